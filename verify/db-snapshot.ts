/**
 * The database's statistics at the end of a load run, kept in the run folder as `db-tables.json`:
 * per-table scan counters, cache hits, unused and duplicate indexes and the top statements, taken by
 * the load command (verify/sampler.ts `watchDatabase().stop()`) right after the run, from counters it
 * reset right before it. The database gate judges this file and never the live counters: verify's
 * own SQL (attribution, data integrity, real data) scans the same tables, so live counters read by a
 * later verify would judge verify's work, and every verify of the same run would say something else.
 * The statistics are the queries of verify/sql/queries/database/; unused indexes are the check of
 * verify/sql/checks/database/ and duplicate indexes the security gate's check (one file for both
 * gates), both kept here in the shape db-tables.json has always had.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { LoadEvidence } from './context.ts';
import { checkFile, queryFile, runCheck, runQuery } from './sql/run.ts';
import type { StatsReset } from './stats.ts';

export const DB_TABLES_FILE = 'db-tables.json';

export interface TableStat {
  readonly table_name: string;
  /** Planner estimate or live tuples, whichever is larger (the reset zeroes n_live_tup). */
  readonly est_rows: number;
  readonly seq_scan: number;
  readonly seq_tup_read: number;
  readonly idx_scan: number;
}

export interface CacheStat {
  readonly kind: 'heap' | 'index';
  readonly hits: number;
  readonly reads: number;
  readonly hit_rate: number | null;
}

export interface DbSnapshot {
  readonly version: 1;
  readonly takenAt: string;
  /** What the load command reset before the run (undefined when the snapshot was taken without it). */
  readonly reset?: StatsReset;
  /** pg_stat_database.stats_reset when the snapshot was taken (ISO text, null when never reset). */
  readonly statsResetAt: string | null;
  /**
   * How the scan and cache counters describe the run: `reset` right before it, or `delta`: the
   * counters at its end minus those at its start, where the role may not reset them (Supabase's
   * `postgres` may not call pg_stat_reset()). Absent in snapshots written before deltas existed.
   */
  readonly counters?: 'reset' | 'delta';
  readonly tables: readonly TableStat[];
  readonly cache: readonly CacheStat[];
  readonly unusedIndexes: readonly Record<string, unknown>[];
  readonly duplicateIndexes: readonly { table_name: string; indexes: string[] }[];
  readonly topByTotal: readonly Record<string, unknown>[];
  readonly topByMean: readonly Record<string, unknown>[];
  /** Why the top statements are missing (pg_stat_statements absent), else null. */
  readonly statementsProblem: string | null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** Reads the statistics now; the caller decides when "now" is (the end of the load run). */
export async function takeDbSnapshot(pool: pg.Pool, reset?: StatsReset): Promise<DbSnapshot> {
  const tables = (await runQuery<TableStat>(pool, queryFile('database', 'table_scans'))).map((r) => ({
    table_name: r.table_name,
    est_rows: num(r.est_rows),
    seq_scan: num(r.seq_scan),
    seq_tup_read: num(r.seq_tup_read),
    idx_scan: num(r.idx_scan),
  }));
  const cache = (await runQuery<CacheStat>(pool, queryFile('database', 'cache_hit'))).map((r) => ({
    kind: r.kind,
    hits: num(r.hits),
    reads: num(r.reads),
    hit_rate: r.hit_rate === null ? null : num(r.hit_rate),
  }));
  const unusedIndexes = (
    await runCheck<{ table_name: string; index_name: string; size_bytes: number }>(
      pool,
      checkFile('database', 'unused_indexes'),
    )
  ).map(({ metadata: m }) => ({ table_name: m.table_name, index_name: m.index_name, size_bytes: num(m.size_bytes) }));
  const duplicateIndexes = (
    await runCheck<{ indexes: string[] }>(pool, checkFile('security', 'duplicate_indexes'))
  ).map((f) => ({ table_name: f.object, indexes: f.metadata.indexes }));
  const statsResetAt =
    (await runQuery<{ stats_reset: string | null }>(pool, queryFile('database', 'stats_reset')))[0]?.stats_reset ??
    null;
  // pg_stat_statements is optional: without it the gate still judges the rest.
  let topByTotal: Record<string, unknown>[] = [];
  let topByMean: Record<string, unknown>[] = [];
  let statementsProblem: string | null = null;
  try {
    topByTotal = await runQuery(pool, queryFile('database', 'top_statements_by_total'));
    topByMean = await runQuery(pool, queryFile('database', 'top_statements_by_mean'));
  } catch (error) {
    statementsProblem = `top statements not available: ${(error as Error).message.split('\n')[0]} (pg_stat_statements must be preloaded and created in schema extensions)`;
  }
  return {
    version: 1,
    takenAt: new Date().toISOString(),
    ...(reset === undefined ? {} : { reset }),
    statsResetAt,
    tables,
    cache,
    unusedIndexes,
    duplicateIndexes,
    topByTotal,
    topByMean,
    statementsProblem,
  };
}

/**
 * The run's own share of the counters: `after` minus `before`, per table and per cache kind (a
 * table new since `before` counts from zero), with the hit rates recomputed.
 */
export function counterDeltas(after: DbSnapshot, before: DbSnapshot): DbSnapshot {
  const was = new Map(before.tables.map((t) => [t.table_name, t]));
  const cacheWas = new Map(before.cache.map((c) => [c.kind, c]));
  return {
    ...after,
    counters: 'delta',
    tables: after.tables.map((t) => {
      const b = was.get(t.table_name);
      return {
        ...t,
        seq_scan: t.seq_scan - (b?.seq_scan ?? 0),
        seq_tup_read: t.seq_tup_read - (b?.seq_tup_read ?? 0),
        idx_scan: t.idx_scan - (b?.idx_scan ?? 0),
      };
    }),
    cache: after.cache.map((c) => {
      const b = cacheWas.get(c.kind);
      const hits = c.hits - (b?.hits ?? 0);
      const reads = c.reads - (b?.reads ?? 0);
      return { ...c, hits, reads, hit_rate: hits + reads > 0 ? hits / (hits + reads) : null };
    }),
  };
}

export async function writeDbSnapshot(runDir: string, snapshot: DbSnapshot): Promise<string> {
  const file = path.join(runDir, DB_TABLES_FILE);
  await writeFile(file, `${JSON.stringify(snapshot, null, 2)}\n`);
  return file;
}

export interface FoundSnapshot {
  readonly file: string;
  readonly snapshot: DbSnapshot;
}

/**
 * The snapshot of the run under judgement. The load command writes one per run (into the first
 * instance's folder when it ran several); should several folders hold one, the latest describes the
 * most of the run and is the one judged.
 */
export function readDbSnapshot(load: LoadEvidence | undefined): {
  found: FoundSnapshot | undefined;
  problems: string[];
} {
  const problems: string[] = [];
  const found: FoundSnapshot[] = [];
  for (const dir of [...new Set((load?.sources ?? []).map((s) => s.runDir))]) {
    const file = path.join(dir, DB_TABLES_FILE);
    if (!existsSync(file)) continue;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DbSnapshot>;
      if (
        parsed.version !== 1 ||
        !Array.isArray(parsed.tables) ||
        !Array.isArray(parsed.cache) ||
        typeof parsed.takenAt !== 'string'
      ) {
        problems.push(`${file}: not a version 1 database snapshot`);
        continue;
      }
      found.push({ file, snapshot: parsed as DbSnapshot });
    } catch (error) {
      problems.push(`${file}: cannot be read as JSON (${(error as Error).message})`);
    }
  }
  found.sort((a, b) => b.snapshot.takenAt.localeCompare(a.snapshot.takenAt));
  return { found: found[0], problems };
}
