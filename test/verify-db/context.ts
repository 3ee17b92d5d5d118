/** A VerifyContext for one test database, with the parts a test leaves out undefined. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { loadConfig } from '../../lib/config.ts';
import { successCriteria } from '../../model/slo.ts';
import type { VerifyContext } from '../../verify/context.ts';

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
    ...overrides,
  };
}
