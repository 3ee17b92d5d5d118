/**
 * The rollback drill (checklist: "Rollback procedures tested"): applies the checklist's documented
 * rollback SQL, finds out what still works and what it exposes, and restores.
 *
 * Two modes:
 * - `transaction` (safe anywhere, staging included): the rollback SQL and the RLS matrix run inside
 *   one transaction that is always rolled back; nothing is committed.
 * - `scratch` (local stack): a copy of the database gets the rollback committed, a temporary
 *   PostgREST + server serve the copy, the smoke profile runs against it, and the copy is dropped.
 * Each documented statement runs in its own savepoint, so one that fails (as an operator's SQL
 * editor would stop there) is recorded and the drill carries on to show what the rest does.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { repoRoot } from '../lib/paths.ts';
import type { DbClient } from '../lib/pg/impersonate.ts';
import type { CellResult } from '../lib/pg/rls-probe.ts';
import { probeRlsMatrixWithin } from '../lib/pg/rls-probe.ts';
import type { TargetIdentity } from '../lib/target-identity.ts';

export const ROLLBACK_SQL = path.join(repoRoot, 'db', 'rollback', 'checklist-rollback.sql');

/** Steps the checklist names without SQL: a drill cannot run them, a person must. */
export const MANUAL_STEPS = [
  'Revert to original RLS policies: "Execute: database/fix_rls_policies.sql (original version)" (file not part of the checklist)',
  'Drop new tables "only as absolute last resort" (commented out in the checklist; not drilled)',
  'Service layer rollback: revert the database service, feature flags, fallback to mock data (application side)',
] as const;

export interface StatementResult {
  readonly sql: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface SmokeResult {
  readonly exitCode: number | null;
  readonly checksPassed: number;
  readonly checksFailed: number;
  readonly failedChecks: readonly string[];
  readonly failedThresholds: readonly string[];
  readonly runDir: string;
}

export interface DrillResult {
  readonly version: 1;
  readonly mode: 'transaction' | 'scratch';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly target: string;
  /** The target drilled (lib/target-identity.ts): verify judges only a drill of the target it judges. */
  readonly targetIdentity?: TargetIdentity;
  readonly statements: readonly StatementResult[];
  readonly manualSteps: readonly string[];
  /** RLS matrix cells that differ from the expected matrix before and after the rollback. */
  readonly deviationsBefore: readonly CellResult[];
  readonly deviationsAfter: readonly CellResult[];
  /** Cells that were right before and wrong after: what the rollback breaks or exposes. */
  readonly changedByRollback: readonly CellResult[];
  readonly smoke?: SmokeResult;
  /** The original database is as it was (transaction rolled back, or only a copy was changed). */
  readonly restored: boolean;
}

/** The documented statements, comments removed, in order. */
export function readRollbackStatements(file = ROLLBACK_SQL): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}

/** Runs each statement in its own savepoint inside the caller's transaction. */
export async function applyStatements(client: DbClient, statements: readonly string[]): Promise<StatementResult[]> {
  const results: StatementResult[] = [];
  for (const sql of statements) {
    await client.query('savepoint kit_drill_step');
    try {
      await client.query(sql);
      await client.query('release savepoint kit_drill_step');
      results.push({ sql, ok: true });
    } catch (error) {
      await client.query('rollback to savepoint kit_drill_step');
      const e = error as { code?: string; message?: string };
      results.push({ sql, ok: false, error: `${e.code ?? ''} ${e.message ?? String(error)}`.trim() });
    }
  }
  return results;
}

const deviates = (c: CellResult) => c.actual !== c.expected;
const key = (c: CellResult) => `${c.table}/${c.op}/${c.actor}`;

export function changedCells(before: readonly CellResult[], after: readonly CellResult[]): CellResult[] {
  const wrongBefore = new Set(before.filter(deviates).map(key));
  return after.filter((c) => deviates(c) && !wrongBefore.has(key(c)));
}

/**
 * Transaction mode: one transaction on `client`'s connection, always rolled back. Returns the
 * matrix before and after the documented rollback.
 */
export async function drillInTransaction(
  pool: pg.Pool,
  statements: readonly string[],
): Promise<
  Pick<DrillResult, 'statements' | 'deviationsBefore' | 'deviationsAfter' | 'changedByRollback' | 'restored'>
> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    try {
      const before = await probeRlsMatrixWithin(client);
      const applied = await applyStatements(client, statements);
      const after = await probeRlsMatrixWithin(client);
      return {
        statements: applied,
        deviationsBefore: before.filter(deviates),
        deviationsAfter: after.filter(deviates),
        changedByRollback: changedCells(before, after),
        restored: true,
      };
    } finally {
      await client.query('rollback');
    }
  } finally {
    client.release();
  }
}
