/** A VerifyContext for one test database, with the parts a test leaves out undefined. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { loadConfig } from '../../lib/config.ts';
import { successCriteria } from '../../model/slo.ts';
import type { LoadEvidence, VerifyContext } from '../../verify/context.ts';
import type { TestStack } from '../support/stack.ts';

/**
 * What the security gate reads of a load run: the RLS-probe journey's iterations and the leak
 * counter its summary declared (zero leaks). The journeys' own output is judged end to end in
 * test/verify/end-to-end.test.ts.
 */
export const rlsProbedLoad = (over: { rlsProbe?: number; declared?: boolean } = {}): LoadEvidence =>
  ({
    sources: [{ summaryMetrics: over.declared === false ? ['checks'] : ['aclue_rls_leaks', 'checks'] }],
    iterations: { perScenario: { swipingUser: 40, rlsProbe: over.rlsProbe ?? 12 } },
    counters: {},
    rlsLeaksByEndpoint: {},
  }) as unknown as LoadEvidence;

/** The stack's Data API with its keys and token signer, at `url` (an app in front of it) or its own. */
export const stackApi = (stack: TestStack, url = stack.url): NonNullable<VerifyContext['api']> => ({
  url,
  anonKey: stack.anonKey,
  serviceRoleKey: stack.serviceRoleKey,
  userTokens: stack.keys.signer,
});

export function testContext(pool: pg.Pool | undefined, overrides: Partial<VerifyContext> = {}): VerifyContext {
  return {
    config: loadConfig({ env: {} }),
    db: pool,
    ...(pool === undefined
      ? { dbError: 'DATABASE_URL: cannot reach PostgreSQL at postgresql://127.0.0.1:1/x (ECONNREFUSED)' }
      : {}),
    seedRunIds: [],
    load: undefined,
    baseline: undefined,
    criteria: successCriteria,
    api: undefined,
    outDir: mkdtempSync(path.join(os.tmpdir(), 'kit-verify-db-')),
    // The kit's stack serves the App API beside the Data API: a test naming one API names both.
    ...(overrides.api !== undefined && !('app' in overrides) ? { app: { url: overrides.api.url } } : {}),
    ...overrides,
  };
}
