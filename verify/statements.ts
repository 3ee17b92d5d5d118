/**
 * A snapshot of the top statements of pg_stat_statements at the end of a load run (the load command
 * resets the statistics at its start, so the snapshot describes that run only), kept as
 * `<run dir>/db-statements.json`, and the comparison of two such snapshots (peak against baseline).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

/** This database's statements by total execution time, the top $1 (the end-of-run list and the capacity snapshots). */
const TOP_STATEMENTS_SQL = `select s.queryid::text as queryid, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 400) as query,
            sum(s.calls)::text as calls, sum(s.total_exec_time) as total_ms,
            sum(s.total_exec_time) / greatest(sum(s.calls), 1) as mean_ms
     from extensions.pg_stat_statements s
     where s.dbid = (select oid from pg_database where datname = current_database())
     group by s.queryid, s.query
     order by total_ms desc
     limit $1`;

export const DB_STATEMENTS_FILE = 'db-statements.json';

export interface StatementStat {
  readonly queryid: string;
  readonly query: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
}

/** PG13+ column names; statements of the current database only, heaviest first. */
export async function snapshotStatements(pool: pg.Pool, runDir: string, limit = 50): Promise<string> {
  const { rows } = await pool.query<{
    queryid: string;
    query: string;
    calls: string;
    total_ms: number;
    mean_ms: number;
  }>(TOP_STATEMENTS_SQL, [limit]);
  const file = path.join(runDir, DB_STATEMENTS_FILE);
  const stats: StatementStat[] = rows.map((r) => ({
    queryid: r.queryid,
    query: r.query,
    calls: Number(r.calls),
    totalMs: r.total_ms,
    meanMs: r.mean_ms,
  }));
  await writeFile(
    file,
    `${JSON.stringify({ version: 1, takenAt: new Date().toISOString(), statements: stats }, null, 2)}\n`,
  );
  return file;
}

export function readStatements(runDir: string | undefined): StatementStat[] | undefined {
  if (runDir === undefined) return undefined;
  const file = path.join(runDir, DB_STATEMENTS_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; statements?: StatementStat[] };
    return parsed.version === 1 && Array.isArray(parsed.statements) ? parsed.statements : undefined;
  } catch {
    return undefined;
  }
}

export interface StatementChange {
  readonly queryid: string;
  readonly query: string;
  readonly baselineMeanMs: number;
  readonly peakMeanMs: number;
  readonly ratio: number;
  readonly peakCalls: number;
}

/**
 * Statements seen in both runs, with enough calls in each to mean something, by how much their mean
 * execution time grew (the same statement fingerprint: pg_stat_statements' queryid).
 */
export function compareStatements(
  peak: readonly StatementStat[],
  baseline: readonly StatementStat[],
  minCalls = 5,
): StatementChange[] {
  const before = new Map(baseline.filter((s) => s.calls >= minCalls).map((s) => [s.queryid, s]));
  return peak
    .filter((s) => s.calls >= minCalls && before.has(s.queryid))
    .map((s) => {
      const b = before.get(s.queryid)!;
      return {
        queryid: s.queryid,
        query: s.query,
        baselineMeanMs: b.meanMs,
        peakMeanMs: s.meanMs,
        ratio: s.meanMs / Math.max(b.meanMs, 0.001),
        peakCalls: s.calls,
      };
    })
    .sort((a, b) => b.ratio - a.ratio || a.queryid.localeCompare(b.queryid));
}

/** A statement of the peak snapshot that compareStatements left out, and why. */
export interface UncomparedStatement {
  readonly queryid: string;
  readonly query: string;
  readonly peakCalls: number;
  readonly peakMeanMs: number;
  readonly reason: string;
}

/**
 * The peak run's statements compareStatements cannot compare, heaviest first: absent from the
 * baseline's snapshot (a new statement, or one outside the baseline's heaviest) or with fewer than
 * `minCalls` calls in either run.
 */
export function uncomparedStatements(
  peak: readonly StatementStat[],
  baseline: readonly StatementStat[],
  minCalls = 5,
): UncomparedStatement[] {
  const before = new Map(baseline.map((s) => [s.queryid, s]));
  return peak.flatMap((s) => {
    const b = before.get(s.queryid);
    const short = [
      ...(b && b.calls < minCalls ? [`${b.calls} in the baseline`] : []),
      ...(s.calls < minCalls ? [`${s.calls} at peak`] : []),
    ];
    const reason = !b
      ? "not in the baseline's snapshot"
      : short.length
        ? `too few calls, ${short.join(' and ')}, of the ${minCalls} needed in each run`
        : undefined;
    return reason ? [{ queryid: s.queryid, query: s.query, peakCalls: s.calls, peakMeanMs: s.meanMs, reason }] : [];
  });
}

export const DB_STATEMENT_SNAPSHOTS_FILE = 'db-statement-snapshots.json';

/** Cumulative counters of one statement at one moment. */
export interface StatementCounters {
  readonly queryid: string;
  readonly calls: number;
  readonly totalMs: number;
}

export interface StatementSnapshots {
  readonly version: 1;
  readonly intervalMs: number;
  /** Statement text per queryid, once. */
  readonly queries: Readonly<Record<string, string>>;
  /** `t`: ms since the epoch. */
  readonly snapshots: readonly { readonly t: number; readonly statements: readonly StatementCounters[] }[];
  /** readings that failed (server busy); counted, not fatal */
  readonly errors: number;
}

/**
 * pg_stat_statements read every `intervalMs` during a run, so the time each statement took can be
 * told apart per stretch of the run (a capacity run's steps): the difference of two snapshots.
 */
export function startStatementSnapshots(
  pool: pg.Pool,
  intervalMs: number,
  limit = 200,
): { stop(runDir: string): Promise<string> } {
  const queries: Record<string, string> = {};
  const snapshots: { t: number; statements: StatementCounters[] }[] = [];
  let errors = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const take = (): void => {
    inFlight = inFlight.then(async () => {
      try {
        const t = Date.now();
        const { rows } = await pool.query<{ queryid: string; query: string; calls: string; total_ms: number }>(
          TOP_STATEMENTS_SQL,
          [limit],
        );
        for (const r of rows) queries[r.queryid] ??= r.query;
        snapshots.push({
          t,
          statements: rows.map((r) => ({ queryid: r.queryid, calls: Number(r.calls), totalMs: r.total_ms })),
        });
      } catch {
        errors += 1;
      }
    });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    async stop(runDir) {
      clearInterval(timer);
      take();
      await inFlight;
      const file = path.join(runDir, DB_STATEMENT_SNAPSHOTS_FILE);
      const body: StatementSnapshots = { version: 1, intervalMs, queries, snapshots, errors };
      await writeFile(file, `${JSON.stringify(body)}\n`);
      return file;
    },
  };
}

export function readStatementSnapshots(runDir: string): StatementSnapshots | undefined {
  const file = path.join(runDir, DB_STATEMENT_SNAPSHOTS_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StatementSnapshots>;
    return parsed.version === 1 && Array.isArray(parsed.snapshots) ? (parsed as StatementSnapshots) : undefined;
  } catch {
    return undefined;
  }
}
