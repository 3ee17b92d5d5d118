import { describe, expect, it } from 'vitest';
import { journeyNames, profileNames } from '../../model/profiles.ts';
import { k6Note, realK6, runK6 } from './support/real-k6.ts';

interface Inspected {
  scenarios: Record<
    string,
    { executor: string; rate?: number; startRate?: number; preAllocatedVUs: number; exec: string }
  >;
  thresholds: Record<string, unknown>;
}

async function inspect(profile: string, env: Record<string, string> = {}): Promise<Inspected> {
  // No manifest on purpose: options must not depend on a seed.
  // k6 inspect leaves the system environment out of __ENV unless asked.
  const result = await runK6(['inspect', '--include-system-env-vars', `scenarios/${profile}.ts`], {
    K6_MANIFEST: '/nonexistent/manifest.json',
    ...env,
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Inspected;
}

describe.skipIf(!realK6)(`k6 inspect of every entry script ${k6Note}`, () => {
  it.each(profileNames)(
    '%s: valid options, one arrival-rate scenario per journey, thresholds per endpoint',
    async (profile) => {
      const options = await inspect(profile);
      expect(Object.keys(options.scenarios).sort()).toEqual([...journeyNames].sort());
      for (const [name, scenario] of Object.entries(options.scenarios)) {
        expect(scenario.executor).toMatch(/^(constant|ramping)-arrival-rate$/);
        expect(scenario.exec).toBe(name);
      }
      expect(options.thresholds['http_req_duration{name:swipe_create}']).toBeDefined();
      expect(options.thresholds.aclue_rls_leaks).toBeDefined();
    },
  );

  it('peak is 10x baseline in what k6 itself reads, also with a custom baseline', async () => {
    const env = { K6_BASELINE_RATES: '{"swipingUser": 5, "rlsProbe": 2}' };
    const [baseline, peak] = await Promise.all([inspect('baseline', env), inspect('peak', env)]);
    for (const journey of journeyNames) {
      expect(peak.scenarios[journey]!.rate).toBe(10 * baseline.scenarios[journey]!.rate!);
    }
    expect(baseline.scenarios.swipingUser!.rate).toBe(5);
  });

  it('stops at init with the variable named when a setting is wrong', async () => {
    const result = await runK6(['inspect', '--include-system-env-vars', 'scenarios/peak.ts'], {
      K6_BASELINE_RATES: '{"swiper": 1}',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('K6_BASELINE_RATES: unknown journey \\"swiper\\"');
  });
});
