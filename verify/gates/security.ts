/**
 * Isolation and access: the RLS matrix (model/rls-matrix.ts) in SQL on the target database, the
 * SELECT column through the Data API when its URL and keys are known, and splinter-style policy
 * and schema lints (verify/sql/security/, one SQL file per lint).
 */
import type { Gate, GateResult } from '../gate.ts';
import type { VerifyContext } from '../context.ts';
import { probeDataApi } from '../checks/data-api-probe.ts';
import type { ApiProbeFinding } from '../checks/data-api-probe.ts';
import { probeRlsMatrix } from '../checks/rls-probe.ts';
import type { CellResult } from '../checks/rls-probe.ts';
import { firstRows, gateResult, insufficient, oneLine } from '../checks/result.ts';
import { mintUserToken } from '../checks/tokens.ts';
import { runCheck, sqlChecks } from '../sql/run.ts';
import type pg from 'pg';

export interface LintRow {
  readonly lint: string;
  readonly level: 'error' | 'warn' | 'info';
  readonly object: string;
  readonly detail: string;
}

const gate = {
  id: 'security',
  title: 'Security: RLS matrix and policy lints',
  level: 'error',
  checklist: ['User data properly isolated', 'Service role has full access', 'Anonymous access restricted to public data', 'All RLS policies functioning correctly'],
} as const;

const THRESHOLD = 'every RLS matrix cell as expected (SQL, and Data API reads when configured); no error or warn lint';

/** All lints in one transaction; the exposed-schema setting defaults to public, as on Supabase. */
export async function runLints(pool: pg.Pool): Promise<LintRow[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    try {
      const current = await client.query<{ v: string | null }>("select current_setting('pgrst.db_schemas', true) as v");
      if ((current.rows[0]?.v ?? '') === '') await client.query("set local pgrst.db_schemas = 'public'");
      const rows: LintRow[] = [];
      for (const check of sqlChecks('security')) rows.push(...(await runCheck<LintRow>(client, check)));
      return rows;
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

async function seededUser(pool: pg.Pool, runIds: readonly string[]): Promise<string | undefined> {
  // Prefer a user of the judged seed runs; any user with a public row otherwise.
  if (runIds.length > 0) {
    try {
      const r = await pool.query<{ id: string }>('select user_id::text as id from kit_truth.users where run_id = any ($1::text[]) order by user_id limit 1', [runIds]);
      if (r.rows[0] !== undefined) return r.rows[0].id;
    } catch { /* truth schema absent: fall back */ }
  }
  const r = await pool.query<{ id: string }>('select id::text from public.users order by id limit 1');
  return r.rows[0]?.id;
}

async function run(ctx: VerifyContext): Promise<GateResult> {
  if (ctx.db === undefined) return insufficient(gate, THRESHOLD, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  const notes: string[] = [];
  let lints: LintRow[];
  try {
    lints = await runLints(ctx.db);
  } catch (error) {
    return insufficient(gate, THRESHOLD, `the policy lints could not run: ${oneLine(error)}`);
  }
  let cells: CellResult[] | undefined;
  try {
    cells = await probeRlsMatrix(ctx.db);
  } catch (error) {
    notes.push(`RLS matrix not probed in SQL: the probe fixture could not be created (${oneLine(error)})`);
  }
  let api: ApiProbeFinding[] | undefined;
  if (ctx.api !== undefined) {
    try {
      const userId = await seededUser(ctx.db, ctx.seedRunIds);
      if (userId === undefined) notes.push('Data API not probed: no user in the database to sign in as');
      else {
        const probe = await probeDataApi({ ...ctx.api, userId, userToken: mintUserToken(userId, ctx.config.jwtSecret) });
        api = probe.findings;
      }
    } catch (error) {
      notes.push(`Data API not probed: ${oneLine(error)}`);
    }
  } else notes.push('Data API not probed: no API URL and keys in the context');

  const mismatches = (cells ?? []).filter((c) => c.actual !== c.expected);
  const leaks = mismatches.filter((c) => c.actual === 'rows');
  const blocking = lints.filter((l) => l.level !== 'info');
  const infos = lints.filter((l) => l.level === 'info');
  const byLint = Object.fromEntries([...new Set(lints.map((l) => l.lint))].map((name) => [`lint_${name}`, lints.filter((l) => l.lint === name).length]));

  if (cells === undefined && api === undefined && blocking.length === 0) {
    return insufficient(gate, THRESHOLD, `${notes.join('; ')}; the lints found nothing blocking`, { ...byLint });
  }
  const failed = mismatches.length > 0 || (api?.length ?? 0) > 0 || blocking.length > 0;
  // Info lints (an RPC granted to anon by name, an FK without index) are listed for review only.
  const status = failed ? 'fail' : cells === undefined ? 'warn' : 'pass';
  const parts = [
    cells === undefined ? 'RLS matrix not probed' : `RLS matrix ${cells.length - mismatches.length}/${cells.length} cells as expected (${leaks.length} leaks)`,
    api === undefined ? 'Data API not probed' : `Data API ${api.length} findings`,
    `lints: ${blocking.length} blocking, ${infos.length} info`,
  ];
  const summary = failed
    ? `Failed: ${[
        mismatches.length > 0 ? `${mismatches.length} matrix cells differ (first: ${mismatches.slice(0, 3).map((m) => `${m.table} ${m.op} as ${m.actor} gave ${m.actual}, expected ${m.expected}`).join('; ')})` : '',
        (api?.length ?? 0) > 0 ? `Data API: ${api?.slice(0, 3).map((f) => `${f.table} as ${f.actor} ${f.actual}`).join('; ')}` : '',
        blocking.length > 0 ? `lints: ${blocking.slice(0, 6).map((l) => `${l.lint} on ${l.object}`).join('; ')}` : '',
      ].filter((s) => s !== '').join('. ')}.`
    : `${parts.join('; ')}.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`;
  return gateResult(gate, status, THRESHOLD, parts.join('; '), {
    summary,
    figures: {
      matrixCells: cells?.length ?? null,
      matrixMismatches: cells === undefined ? null : mismatches.length,
      matrixLeaks: cells === undefined ? null : leaks.length,
      dataApiFindings: api === undefined ? null : api.length,
      blockingLints: blocking.length,
      infoLints: infos.length,
      notes: notes.join('; ') || null,
      ...byLint,
    },
    rows: [
      ...firstRows(mismatches, 20).map((m) => ({ check: 'rls_matrix', ...m })),
      ...firstRows(api ?? [], 10).map((f) => ({ check: 'data_api', ...f })),
      ...firstRows(blocking, 40).map((l) => ({ check: 'lint', ...l })),
      ...firstRows(infos, 10).map((l) => ({ check: 'lint', ...l })),
    ],
    links: ['#rls'],
  });
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
