/**
 * Isolation and access: the RLS matrix (model/rls-matrix.ts) in SQL on the target database, the
 * SELECT column through the Data API when its URL and keys are known, splinter-style policy and
 * schema lints (verify/sql/checks/security/, one check per lint), and what the load itself saw: every
 * `aclue_rls_leaks` point is another user's row served to a journey under load. A pass needs all
 * three probes to have run (the matrix in SQL, the Data API probe, the load's RLS-probe journey with
 * its leak counter declared); a missing one is insufficient-data naming it, while a finding of the
 * others still fails the gate.
 */

import type pg from 'pg';
import type { CellResult } from '../../lib/pg/rls-probe.ts';
import { probeRlsMatrix } from '../../lib/pg/rls-probe.ts';
import type { ApiProbeFinding } from '../checks/data-api-probe.ts';
import { probeDataApi } from '../checks/data-api-probe.ts';
import { type Finding, findingRow, firstRows, gateResult, insufficient, oneLine } from '../checks/result.ts';
import { mintUserToken } from '../checks/tokens.ts';
import type { LoadEvidence, VerifyContext } from '../context.ts';
import type { Gate, GateResult } from '../gate.ts';
import { counterCounted } from '../k6/gate-support.ts';
import { checkFiles, runCheck } from '../sql/run.ts';

/** A lint finding as the fix-it migration names it (verify/fixes/block.ts): `lint object`. */
export interface LintRow {
  readonly lint: string;
  readonly level: 'error' | 'warn' | 'info';
  readonly object: string;
  readonly detail: string;
  readonly remediation: string;
}

const lintRow = (f: Finding): LintRow => ({
  lint: f.name,
  level: f.level,
  object: f.object,
  detail: f.detail,
  remediation: f.remediation,
});

const gate = {
  id: 'security',
  title: 'Security: RLS matrix and policy lints',
  level: 'error',
  checklist: [
    'User data properly isolated',
    'Service role has full access',
    'Anonymous access restricted to public data',
    'All RLS policies functioning correctly',
  ],
} as const;

const threshold = (maxLeaks: number): string =>
  `every RLS matrix cell as expected in SQL and through the Data API; no error or warn lint; RLS leaks seen under load by the RLS-probe journey ≤ ${maxLeaks}`;

/** The journey that asks the Data API for other users' rows under load (scenarios/journeys/rls-probe.ts). */
const RLS_PROBE_JOURNEY = 'rlsProbe';

interface LoadLeaks {
  readonly total: number;
  readonly rows: readonly { check: 'load_rls_leak'; endpoint: string; leaks: number }[];
}

/**
 * Why the load's leak count cannot be read as "none seen": no run, the RLS-probe journey never
 * iterated, or the run did not declare the counter. Undefined when the count stands.
 */
function leakCountMissing(load: LoadEvidence | undefined): string | undefined {
  if (load === undefined)
    return 'no load run: the RLS-probe journey did not run (npm run load -- <profile>, then verify --run)';
  if ((load.iterations.perScenario[RLS_PROBE_JOURNEY] ?? 0) === 0)
    return `the load ran no ${RLS_PROBE_JOURNEY} iteration: nobody asked for other users' rows under load`;
  if (!counterCounted(load, 'aclue_rls_leaks'))
    return 'the load did not declare the aclue_rls_leaks counter (its k6-summary.json does not list it): leaks under load were not counted';
  return undefined;
}

/** Leaks the load counted, per endpoint; undefined without load evidence (nothing was seen, not "zero"). */
function loadLeaks(ctx: VerifyContext): LoadLeaks | undefined {
  if (ctx.load === undefined) return undefined;
  const total = ctx.load.counters['aclue_rls_leaks'] ?? 0;
  const split = Object.entries(ctx.load.rlsLeaksByEndpoint).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  // A summary-only run has the total but no per-endpoint split: still name the count.
  const rows =
    split.length > 0 || total === 0
      ? split.map(([endpoint, leaks]) => ({ check: 'load_rls_leak' as const, endpoint, leaks }))
      : [{ check: 'load_rls_leak' as const, endpoint: '(not split by endpoint)', leaks: total }];
  return { total, rows };
}

const leakText = (l: LoadLeaks): string =>
  `${l.total} RLS leaks under load (${l.rows.map((r) => `${r.endpoint} ${r.leaks}`).join(', ')})`;

/** All lints in one transaction; the exposed-schema setting defaults to public, as on Supabase. */
export async function runLints(pool: pg.Pool): Promise<LintRow[]> {
  return (await lintFindings(pool)).map(lintRow);
}

async function lintFindings(pool: pg.Pool): Promise<Finding[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    try {
      return await findingsWithin(client);
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

/** The lints inside a transaction the caller opened (the fix-it proof lints its copy between fixes). */
export async function lintsWithin(client: pg.PoolClient): Promise<LintRow[]> {
  return (await findingsWithin(client)).map(lintRow);
}

async function findingsWithin(client: pg.PoolClient): Promise<Finding[]> {
  const current = await client.query<{ v: string | null }>("select current_setting('pgrst.db_schemas', true) as v");
  if ((current.rows[0]?.v ?? '') === '') await client.query("set local pgrst.db_schemas = 'public'");
  const found: Finding[] = [];
  for (const check of checkFiles('security')) found.push(...(await runCheck(client, check)));
  return found;
}

async function seededUser(pool: pg.Pool, runIds: readonly string[]): Promise<string | undefined> {
  // Prefer a user of the judged seed runs; any user with a public row otherwise.
  if (runIds.length > 0) {
    try {
      const r = await pool.query<{ id: string }>(
        'select user_id::text as id from kit_truth.users where run_id = any ($1::text[]) order by user_id limit 1',
        [runIds],
      );
      if (r.rows[0] !== undefined) return r.rows[0].id;
    } catch {
      /* truth schema absent: fall back */
    }
  }
  const r = await pool.query<{ id: string }>('select id::text from public.users order by id limit 1');
  return r.rows[0]?.id;
}

async function run(ctx: VerifyContext): Promise<GateResult> {
  const THRESHOLD = threshold(ctx.criteria.maxRlsLeaks);
  const underLoad = loadLeaks(ctx);
  const leaked = underLoad !== undefined && underLoad.total > ctx.criteria.maxRlsLeaks;
  // A leak seen under load is decisive on its own: it fails the gate even when the database is out of reach.
  const leakOnly = (why: string): GateResult =>
    leaked
      ? gateResult(gate, 'fail', THRESHOLD, leakText(underLoad), {
          summary: `Failed: ${leakText(underLoad)}. ${why}.`,
          figures: { loadRlsLeaks: underLoad.total },
          rows: underLoad.rows,
          links: ['#rls'],
        })
      : insufficient(gate, THRESHOLD, why);
  if (ctx.db === undefined) return leakOnly(`no database connection: ${ctx.dbError ?? 'not configured'}`);
  const notes: string[] = [];
  let lints: Finding[];
  try {
    lints = await lintFindings(ctx.db);
  } catch (error) {
    return leakOnly(`the policy lints could not run: ${oneLine(error)}`);
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
        const probe = await probeDataApi({
          ...ctx.api,
          userId,
          userToken: await mintUserToken(ctx.api, userId),
        });
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
  const byLint = Object.fromEntries(
    [...new Set(lints.map((l) => l.name))].map((name) => [`lint_${name}`, lints.filter((l) => l.name === name).length]),
  );

  const leakGap = leakCountMissing(ctx.load);
  if (leakGap !== undefined) notes.push(leakGap);
  const failed = mismatches.length > 0 || (api?.length ?? 0) > 0 || blocking.length > 0 || leaked;
  // Each probe that did not run leaves part of the threshold unjudged: never a pass, and named.
  const unprobed = cells === undefined || api === undefined || leakGap !== undefined;
  if (!failed && unprobed) {
    return insufficient(gate, THRESHOLD, `Not judged: ${notes.join('; ')}. The lints found nothing blocking.`, {
      figures: {
        matrixCells: cells?.length ?? null,
        dataApiFindings: api === undefined ? null : api.length,
        blockingLints: 0,
        infoLints: infos.length,
        loadRlsLeaks: leakGap === undefined ? (underLoad?.total ?? null) : null,
        ...byLint,
      },
      rows: firstRows(infos, 10).map(findingRow),
    });
  }
  // Info lints (an RPC granted to anon by name, an FK without index) are listed for review only.
  const status = failed ? 'fail' : 'pass';
  const parts = [
    cells === undefined
      ? 'RLS matrix not probed'
      : `RLS matrix ${cells.length - mismatches.length}/${cells.length} cells as expected (${leaks.length} leaks)`,
    api === undefined ? 'Data API not probed' : `Data API ${api.length} findings`,
    `lints: ${blocking.length} blocking, ${infos.length} info`,
    leakGap !== undefined && !leaked ? 'load leaks not counted' : `${underLoad?.total ?? 0} RLS leaks under load`,
  ];
  const summary = failed
    ? `Failed: ${[
        leaked ? leakText(underLoad) : '',
        mismatches.length > 0
          ? `${mismatches.length} matrix cells differ (first: ${mismatches
              .slice(0, 3)
              .map((m) => `${m.table} ${m.op} as ${m.actor} gave ${m.actual}, expected ${m.expected}`)
              .join('; ')})`
          : '',
        (api?.length ?? 0) > 0
          ? `Data API: ${api
              ?.slice(0, 3)
              .map((f) => `${f.table} as ${f.actor} ${f.actual}`)
              .join('; ')}`
          : '',
        blocking.length > 0
          ? `lints: ${blocking
              .slice(0, 6)
              .map((l) => `${l.name} on ${l.object}`)
              .join('; ')}`
          : '',
      ]
        .filter((s) => s !== '')
        .join('. ')}.${notes.length > 0 ? ` Not judged: ${notes.join('; ')}.` : ''}`
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
      loadRlsLeaks: underLoad?.total ?? null,
      notes: notes.join('; ') || null,
      ...byLint,
    },
    rows: [
      ...(underLoad?.rows ?? []),
      ...firstRows(mismatches, 20).map((m) => ({ check: 'rls_matrix', ...m })),
      ...firstRows(api ?? [], 10).map((f) => ({ check: 'data_api', ...f })),
      ...firstRows(blocking, 40).map(findingRow),
      ...firstRows(infos, 10).map(findingRow),
    ],
    links: ['#rls'],
  });
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
