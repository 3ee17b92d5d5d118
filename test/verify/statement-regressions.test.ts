/**
 * statement-regressions: real pg_stat_statements snapshots from the test cluster (a statement run
 * at baseline, then made slow with pg_sleep for the "peak"), judged against the rollback trigger.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeStatements } from '../../verify/gates/statement-regressions.ts';
import { readStatements, snapshotStatements } from '../../verify/statements.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let tmp: string;

beforeAll(async () => {
  db = await freshDatabase();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-statements-'));
});

afterAll(async () => {
  await db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the probe statement `n` times, sleeping `ms` inside it, and snapshots into `dir`. */
async function run(dir: string, ms: number, n = 6) {
  await db.pool.query('select extensions.pg_stat_statements_reset()');
  for (let i = 0; i < n; i++)
    await db.pool.query('select pg_sleep($1::float8 / 1000), count(*) from public.categories where sort_order >= $2', [
      ms,
      i,
    ]);
  await snapshotStatements(db.pool, dir);
  return readStatements(dir);
}

describe('statement-regressions', () => {
  it('passes when the same statement keeps its speed, and fails past the trigger', async () => {
    const baseline = await run(path.join(tmp), 2);
    expect(baseline?.some((s) => s.query.includes('pg_sleep'))).toBe(true);
    const same = judgeStatements(baseline, baseline, 4);
    expect(same.status).toBe('pass');
    const slowDir = mkdtempSync(path.join(tmp, 'slow-'));
    const slow = await run(slowDir, 40);
    const result = judgeStatements(slow, baseline, 4);
    expect(result.status).toBe('fail');
    expect(String(result.evidence.rows?.[0]?.statement)).toContain('pg_sleep');
    expect(Number(result.evidence.rows?.[0]?.ratio)).toBeGreaterThanOrEqual(4);
  });

  it('names the statements it could not compare, with the reason', () => {
    const stat = (queryid: string, calls: number, meanMs: number) => ({
      queryid,
      query: `select ${queryid}`,
      calls,
      totalMs: calls * meanMs,
      meanMs,
    });
    const peak = [stat('new', 40, 9), stat('rare', 3, 5), stat('kept', 50, 1)];
    const baseline = [stat('rare', 10, 1), stat('kept', 50, 1)];
    const result = judgeStatements(peak, baseline, 4);
    expect(result.status).toBe('pass');
    expect(result.measured).toBe('worst 1.00x over 1 statements; 2 not compared');
    expect(result.evidence.summary).toContain(
      `"select new" (not in the baseline's snapshot); "select rare" (too few calls, 3 at peak, of the 5 needed in each run)`,
    );
    expect(result.evidence.rows?.map((r) => r.not_compared ?? 'compared')).toEqual([
      'compared',
      "not in the baseline's snapshot",
      'too few calls, 3 at peak, of the 5 needed in each run',
    ]);
    const none = judgeStatements([stat('new', 40, 9)], baseline, 4);
    expect(none.status).toBe('insufficient-data');
    expect(none.evidence.summary).toContain('"select new" (not in the baseline\'s snapshot)');
  });

  it('says insufficient-data without a snapshot for either run', () => {
    expect(judgeStatements(undefined, [], 4).status).toBe('insufficient-data');
    expect(judgeStatements([], undefined, 4).status).toBe('insufficient-data');
    expect(readStatements(path.join(tmp, 'nowhere'))).toBeUndefined();
  });
});
