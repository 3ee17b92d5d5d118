/**
 * The load runs verify's tests judge, made once per test file: `good` (every target met), `good2`
 * (a second instance of the same load, for merging), `bad` (a slow page, an endpoint answering 500,
 * a user refused their own resource, and too few VUs so iterations drop) and, when asked for,
 * `baseline` (the good requests as a baseline-profile run of the same target, for degradation).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../lib/config.ts';
import { routes } from '../../../model/target.ts';
import type { LoadEvidence, VerifyContext } from '../../../verify/context.ts';
import { type CriteriaOverride, mergeCriteria } from '../../../verify/criteria.ts';
import { runLoad, startTestServer } from './load-run.ts';

export interface Fixtures {
  readonly root: string;
  readonly good: string;
  readonly good2: string;
  readonly bad: string;
  /** '' unless makeFixtures was asked for it. */
  readonly baseline: string;
  cleanup(): Promise<void>;
}

/** The endpoint a user calls on their own rows: a route the availability gate counts as one. */
export const OWN = routes.userStatistics.name;

// Latency contrasts are large on purpose: the machine running the tests may be busy, which adds
// tens of milliseconds to every request, and the gates must still tell good from bad.
const goodRequests = [
  { path: '/fast', name: 'page' },
  { path: '/own', name: OWN },
];

export async function makeFixtures(
  options: { bad?: boolean; good2?: boolean; baseline?: boolean } = {},
): Promise<Fixtures> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kit-verify-'));
  const server = await startTestServer();
  try {
    const [good, good2, bad, baseline] = await Promise.all([
      runLoad(
        server,
        {
          profile: 'peak',
          instance: 'gen-1',
          scenarios: [{ name: 'browse', rate: 20, seconds: 3, requests: goodRequests }],
          baselineRates: { browse: 2 },
        },
        root,
      ),
      options.good2 === false
        ? Promise.resolve('')
        : runLoad(
            server,
            {
              profile: 'peak',
              instance: 'gen-2',
              scenarios: [{ name: 'browse', rate: 20, seconds: 3, requests: goodRequests }],
              baselineRates: { browse: 2 },
            },
            root,
          ),
      options.bad === false
        ? Promise.resolve('')
        : runLoad(
            server,
            {
              profile: 'peak',
              scenarios: [
                {
                  name: 'browse',
                  rate: 20,
                  seconds: 3,
                  maxVUs: 2,
                  requests: [
                    { path: '/slow?ms=1500', name: 'page' },
                    { path: '/fail', name: 'broken' },
                    { path: '/own?deny=1', name: OWN },
                  ],
                },
              ],
              baselineRates: { browse: 2 },
            },
            root,
          ),
      options.baseline !== true
        ? Promise.resolve('')
        : runLoad(
            server,
            {
              profile: 'baseline',
              // 30 requests per endpoint: above the degradation gate's 20.
              scenarios: [{ name: 'browse', rate: 10, seconds: 3, requests: goodRequests }],
              baselineRates: { browse: 10 },
            },
            root,
          ),
    ]);
    return { root, good, good2, bad, baseline, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
  } finally {
    await server.stop();
  }
}

/**
 * Latency thresholds for tests that must pass on a busy machine (where even an instant endpoint can
 * take 100+ ms): still far below the bad run's 1,500 ms page, so good and bad stay apart. The
 * generator's own limits are widened as much: these tests judge the app, and the test process that
 * generates the load shares the machine (test/verify/generator-health*.test.ts judge the generator).
 */
export const busyMachineGenerator = {
  generator: { maxEventLoopP99Ms: 1000, maxCpuShare: 8, maxScheduleLagP95Ms: 1000 },
} as const;
export const busyMachineLatency = { latency: { p90Ms: 1000, p95Ms: 1400 }, ...busyMachineGenerator } as const;

/** A VerifyContext with only the load parts set: the k6 gates read nothing else. */
export function loadContext(
  load: LoadEvidence | undefined,
  baseline?: LoadEvidence,
  override: CriteriaOverride = {},
): VerifyContext {
  return {
    config: loadConfig({ env: {} }),
    db: undefined,
    dbError: 'not used by this test',
    seedRunIds: [],
    load,
    baseline,
    criteria: mergeCriteria(override),
    api: undefined,
    outDir: os.tmpdir(),
  };
}
