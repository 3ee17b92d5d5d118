/**
 * The rollback drill on a real database: the checklist's documented rollback applied in a
 * transaction that is rolled back, the RLS matrix before and after, and the rollback-drill gate's
 * judgement of the result.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DrillResult, drillInTransaction, MANUAL_STEPS, readRollbackStatements } from '../../drill/rollback.ts';
import { findDrill, judgeDrill } from '../../verify/gates/rollback-drill.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let tmp: string;
let outcome: Awaited<ReturnType<typeof drillInTransaction>>;

beforeAll(async () => {
  db = await freshDatabase();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-drill-test-'));
  outcome = await drillInTransaction(db.pool, readRollbackStatements());
});

afterAll(async () => {
  await db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function drillFile(name: string, result: Partial<DrillResult>): string {
  const dir = path.join(tmp, name, 'rollback-drill');
  mkdirSync(dir, { recursive: true });
  const full: DrillResult = {
    version: 1,
    mode: 'transaction',
    startedAt: '2026-11-25T17:00:00Z',
    finishedAt: '2026-11-25T17:00:05Z',
    target: 'test',
    statements: [],
    manualSteps: MANUAL_STEPS,
    deviationsBefore: [],
    deviationsAfter: [],
    changedByRollback: [],
    restored: true,
    ...result,
  };
  writeFileSync(path.join(dir, 'rollback-drill.json'), JSON.stringify(full));
  return path.join(tmp, name);
}

describe('rollback drill (transaction mode)', () => {
  it('reads the documented statements from the checklist copy', () => {
    const statements = readRollbackStatements();
    expect(statements).toHaveLength(7);
    expect(statements[0]).toBe('ALTER TABLE affiliate_clicks DISABLE ROW LEVEL SECURITY');
  });

  it('records a documented statement that fails as written, and carries on', () => {
    const drop = outcome.statements.find((s) => s.sql.startsWith('DROP POLICY'));
    expect(drop?.ok).toBe(false);
    expect(drop?.error).toContain('42704');
    expect(outcome.statements.filter((s) => s.ok)).toHaveLength(6);
  });

  it("finds the cells the rollback opens: disabling RLS lets a user read another user's rows", () => {
    expect(outcome.deviationsBefore).toEqual([]);
    const opened = outcome.changedByRollback.map((c) => `${c.table}/${c.op}/${c.actor}`);
    for (const table of [
      'affiliate_clicks',
      'user_preferences',
      'session_analytics',
      'product_views',
      'recommendation_feedback',
    ]) {
      expect(opened).toContain(`${table}/select/other`);
    }
    // tables the rollback does not touch stay as they were
    expect(opened.some((c) => c.startsWith('swipe_interactions/'))).toBe(false);
  });

  it('leaves the database as it was', async () => {
    const { rows } = await db.pool.query<{ relname: string; relrowsecurity: boolean }>(
      `select relname, relrowsecurity from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'
         and relname in ('affiliate_clicks','user_preferences','session_analytics','product_views','recommendation_feedback')`,
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.relrowsecurity)).toBe(true);
    const policies = await db.pool.query(`select 1 from pg_policies where policyname = 'Simple user policy'`);
    expect(policies.rowCount).toBe(0);
  });
});

describe('rollback-drill gate', () => {
  it('fails on the real drill, naming the failed statement and the opened cells', () => {
    const result = judgeDrill(findDrill(drillFile('real', outcome)));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toContain('1 documented statement(s) fail as written');
    expect(
      result.evidence.rows?.some((r) => String(r.detail).includes('DROP POLICY "Users view own affiliate clicks"')),
    ).toBe(true);
    expect(result.evidence.rows?.some((r) => r.detail === 'user_preferences select as other')).toBe(true);
  });

  it('passes a drill whose statements all ran and opened nothing', () => {
    const result = judgeDrill(
      findDrill(drillFile('clean', { statements: [{ sql: 'ALTER TABLE x ENABLE ROW LEVEL SECURITY', ok: true }] })),
    );
    expect(result.status).toBe('pass');
  });

  it('fails when the smoke profile fails on the rolled-back copy', () => {
    const smoke = {
      exitCode: 99,
      checksPassed: 10,
      checksFailed: 2,
      failedChecks: ['swipe stored'],
      failedThresholds: [],
      runDir: '/x',
    };
    const result = judgeDrill(findDrill(drillFile('smoke', { mode: 'scratch', smoke })));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toContain('smoke profile fails');
  });

  it("refuses a drill of another target, naming both, and passes over it for this target's own", () => {
    const drilled = { appUrl: 'http://a.test', supabaseUrl: 'http://a.test', database: null };
    const judging = {
      appUrl: 'http://b.test',
      supabaseUrl: 'http://b.test',
      database: { systemIdentifier: '1', name: 'postgres', host: 'b:5432' },
    };
    const outDir = drillFile('other-target', { targetIdentity: drilled });
    const result = judgeDrill(findDrill(outDir, path.join(tmp, 'no-reports'), judging));
    expect(result.status).toBe('insufficient-data');
    expect(result.evidence.summary).toContain('app http://a.test');
    expect(result.evidence.summary).toContain('app http://b.test');
    expect(judgeDrill(findDrill(outDir, path.join(tmp, 'no-reports'), drilled)).status).toBe('pass');
  });

  it('says insufficient-data when no drill was run, or the file is not a drill', () => {
    expect(judgeDrill({ file: undefined }).status).toBe('insufficient-data');
    const bad = path.join(tmp, 'bad.json');
    writeFileSync(bad, '{"version": 7}');
    expect(judgeDrill({ file: bad }).status).toBe('insufficient-data');
  });
});
