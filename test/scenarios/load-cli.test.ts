import { describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';

const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };

describe('npm run load: bad input stops before any load starts', () => {
  it('refuses an unknown profile with exit 2 and the list of profiles', async () => {
    const result = await runScript('scripts/load.ts', ['peek'], base);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: load: expected one profile of smoke, baseline, peak, stress, spike, soak, capacity; received "peek"',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses a bad scenario setting with exit 2, naming the variable', async () => {
    const result = await runScript('scripts/load.ts', ['peak'], { ...base, K6_BASELINE_RATES: '{"swipingUser": -3}' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: K6_BASELINE_RATES: swipingUser: expected a whole number of iterations per minute >= 0, got -3',
    );
  });

  it("refuses k6's own K6_DURATION, which would replace the profile's scenarios", async () => {
    const result = await runScript('scripts/load.ts', ['smoke'], { ...base, K6_DURATION: '1m' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('K6_PROFILE_DURATION');
  });

  it('refuses an unknown --engine with exit 2 naming the choices', async () => {
    const result = await runScript('scripts/load.ts', ['smoke', '--engine', 'jmeter'], {
      ...base,
      KIT_ENV_FILE: '/dev/null',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--engine: expected "auto" (k6 when found, else the kit\'s engine), "kit" or "k6"');
  });

  it('refuses a capacity run against a staging target without --max-rate, exit 2 naming K6_MAX_RATE, before any load', async () => {
    const result = await runScript('scripts/load.ts', ['capacity'], {
      ...base,
      KIT_ENV_FILE: '/dev/null',
      K6_API_URL: 'https://aclue-staging.example.com',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: K6_MAX_RATE: the capacity profile steps the load up to 40x the baseline');
    expect(result.stderr).toContain('--max-rate 20');
  });

  it('refuses --max-rate below the 10x target the capacity profile starts at, and on other profiles', async () => {
    const low = await runScript('scripts/load.ts', ['capacity', '--max-rate', '8'], {
      ...base,
      KIT_ENV_FILE: '/dev/null',
    });
    expect(low.code).toBe(2);
    expect(low.stderr).toContain(
      'K6_MAX_RATE: the capacity profile starts at the 10x target; expected at least 10, got 8',
    );
    const peak = await runScript('scripts/load.ts', ['peak', '--max-rate', '20'], {
      ...base,
      KIT_ENV_FILE: '/dev/null',
    });
    expect(peak.code).toBe(2);
    expect(peak.stderr).toContain('--max-rate: only the capacity profile steps its rate up');
  });
});

describe('npm run load: the local key', () => {
  it("gives the scenarios the local stack's publishable key when it runs the new keys, unless K6_ANON_KEY is set", async () => {
    const env = { ...base, KIT_ENV_FILE: '/dev/null', KIT_LOAD_ENGINE: 'kit' };
    const printed = (extra: Record<string, string>) =>
      runScript('scripts/load.ts', ['smoke', '--print-commands'], { ...env, ...extra });
    const legacy = await printed({});
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).not.toContain('K6_ANON_KEY');
    const fresh = await printed({ KIT_STACK_KEYS: 'new' });
    expect(fresh.code).toBe(0);
    // Secrets are masked in printed commands: that the key is set is what shows.
    expect(fresh.stdout).toContain("K6_ANON_KEY='<set>'");
  });
});
