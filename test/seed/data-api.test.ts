/**
 * The Data API fallback (no DATABASE_URL): through the real local stack it writes the same rows the
 * COPY writer writes for the same seed, keeps its truth in files, and cleans exactly its run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiAuth } from '../../seed/auth.ts';
import { cleanViaDataApi, DataApi, listFileRuns, runSeedViaDataApi, truthDir } from '../../seed/data-api.ts';
import { runSeed, type SeedResult } from '../../seed/run.ts';
import { seededPublicTables } from '../../seed/tables.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { checksums, localTarget } from './support.ts';

const TABLES = [...seededPublicTables, 'public.categories'];
let viaApi: TestDatabase;
let viaCopy: TestDatabase;
let stack: TestStack;
let reports: string;
let before: Record<string, string>;
let result: SeedResult;

beforeAll(async () => {
  [viaApi, viaCopy] = await Promise.all([freshDatabase(), freshDatabase()]);
  stack = await startTestStack(viaApi);
  reports = mkdtempSync(path.join(os.tmpdir(), 'kit-seed-api-'));
  before = await checksums(viaApi.pool, TABLES);
  const target = { ...(await localTarget(viaApi.url, stack.url, stack.serviceRoleKey)), databaseUrl: undefined };
  result = await runSeedViaDataApi({
    seed: 'api',
    scale: 0.03,
    authWriter: 'admin-api',
    target,
    reportsDir: reports,
    batchUsers: 20,
  });
  await runSeed({ seed: 'api', scale: 0.03, authWriter: 'sql', target: await localTarget(viaCopy.url) });
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([viaApi, viaCopy].filter(Boolean).map((d) => d.close()));
  if (reports) rmSync(reports, { recursive: true, force: true });
});

describe('Data API fallback', () => {
  it('writes the same rows as the COPY writer and its truth as files', async () => {
    const api = await checksums(viaApi.pool, seededPublicTables);
    const copy = await checksums(viaCopy.pool, seededPublicTables);
    expect(api).toEqual(copy);
    const dir = truthDir(reports, result.runId);
    const users = readFileSync(path.join(dir, 'users.ndjson'), 'utf8').trim().split('\n');
    expect(users).toHaveLength(30);
    expect(JSON.parse(users[0]!)).toMatchObject({ run_id: result.runId, user_index: 0 });
    expect(listFileRuns(reports).map((r) => [r.run_id, r.status])).toEqual([[result.runId, 'complete']]);
  });

  it('--clean through the Data API leaves the database as it was', async () => {
    const deleted = await cleanViaDataApi(
      reports,
      result.runId,
      new DataApi(stack.url, stack.serviceRoleKey),
      new AdminApiAuth(stack.url, stack.serviceRoleKey),
    );
    expect(deleted.get('auth.users')).toBe(30);
    expect(deleted.get('public.swipe_interactions')).toBeGreaterThan(50);
    expect(await checksums(viaApi.pool, TABLES)).toEqual(before);
    expect(existsSync(truthDir(reports, result.runId))).toBe(false);
  });
});
