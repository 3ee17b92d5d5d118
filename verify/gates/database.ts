/**
 * Database health under the load: index usage per large, busy table and overall, connection
 * utilisation sampled during the run, cache hit rates, top statements, sequential scans on large
 * tables, unused and duplicate indexes. Everything comes from what the load command recorded in the
 * run folder at the end of the run (db-tables.json, db-samples.json; verify/db-snapshot.ts), never
 * from live counters: verify's own checks scan the same tables, so live counters would judge verify,
 * and each verify of the same run would say something else. The snapshot runs the queries of
 * verify/sql/queries/database/, the unused-index check of verify/sql/checks/database/ and the
 * duplicate-index check of verify/sql/checks/security/.
 */

import { readDbSamples } from '../checks/db-samples.ts';
import { firstRows, gateResult, insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import { DB_TABLES_FILE, readDbSnapshot, type TableStat } from '../db-snapshot.ts';
import { decimal, round } from '../format.ts';
import type { Gate, GateResult, GateStatus } from '../gate.ts';

const gate = {
  id: 'database',
  title: 'Database: index usage, connections, cache, statements',
  level: 'error',
  checklist: ['Index usage ratio: >80%', 'Connection utilisation: <70%', 'Index usage ratio >75%'],
} as const;

interface Usage extends TableStat {
  readonly usage_ratio: number | null;
}

const usageOf = (t: TableStat): Usage => {
  const scans = t.seq_scan + t.idx_scan;
  return { ...t, usage_ratio: scans === 0 ? null : round(t.idx_scan / scans, 4) };
};

async function run(ctx: VerifyContext): Promise<GateResult> {
  const c = ctx.criteria;
  const threshold =
    `index usage > ${c.minIndexUsageRatio} per table with > ${c.indexUsageMinRows} rows and >= ${c.indexUsageMinScans} scans during the run, and overall; ` +
    `peak connections < ${c.maxConnectionUtilisation} x max_connections; cache hit >= ${c.minCacheHitRate} (warn)`;
  const { found: snap, problems: snapshotProblems } = readDbSnapshot(ctx.load);
  if (snap === undefined) {
    return insufficient(
      gate,
      threshold,
      `no database statistics recorded with the run (${DB_TABLES_FILE} in the run folder${snapshotProblems.length > 0 ? `: ${snapshotProblems.join('; ')}` : ''}): ` +
        'run the load with `npm run load` of this kit version, which records them at the end of the run; verify never reads live counters, which its own checks change',
    );
  }
  const s = snap.snapshot;
  const usage = s.tables.map(usageOf);
  const large = usage.filter((r) => r.est_rows > c.indexUsageMinRows);
  const scanned = large.filter((r) => r.seq_scan + r.idx_scan > 0);
  const judged = scanned.filter((r) => r.seq_scan + r.idx_scan >= c.indexUsageMinScans);
  const fewScans = scanned.filter((r) => !judged.includes(r));
  const idx = judged.reduce((sum, r) => sum + r.idx_scan, 0);
  const all = judged.reduce((sum, r) => sum + r.idx_scan + r.seq_scan, 0);
  const overall = all === 0 ? null : idx / all;
  // The checklist says "Index usage ratio >80%": exactly 80% is not enough.
  const lowTables = judged.filter((r) => (r.usage_ratio ?? 1) <= c.minIndexUsageRatio);
  const seqScans = large
    .filter((r) => r.seq_scan > 0)
    .sort((a, b) => b.seq_tup_read - a.seq_tup_read || a.table_name.localeCompare(b.table_name));
  const lowCache = s.cache.filter((r) => r.hit_rate !== null && r.hit_rate < c.minCacheHitRate);

  // Connections: the samples the load command took during the run.
  const { found, problems } = readDbSamples(ctx.load);
  let peak: number | null = null;
  let p95: number | null = null;
  let peakActive: number | null = null;
  let maxConnections: number | null = null;
  let connectionSource =
    'not sampled during the run (no db-samples.json beside the run): utilisation under load is unknown';
  if (found.length > 0) {
    peak = Math.max(...found.map((f) => f.samples.peak.connections));
    p95 = Math.max(...found.map((f) => f.samples.p95.connections));
    peakActive = Math.max(...found.map((f) => f.samples.peak.active));
    maxConnections = Math.min(...found.map((f) => f.samples.maxConnections));
    const count = found.reduce((sum, f) => sum + f.samples.samples.length, 0);
    connectionSource = `${count} samples taken during the run (${found.map((f) => f.file).join(', ')})`;
  }
  const utilisation = peak !== null && maxConnections !== null && maxConnections > 0 ? peak / maxConnections : null;

  // Counters not reset right before the run (or never) mix earlier traffic into the run's figures.
  const runStart = ctx.statsWindow?.startedAt ?? ctx.load?.startedAt;
  const resetAt = s.statsResetAt;
  const staleStats =
    s.counters !== 'delta' &&
    runStart !== undefined &&
    (resetAt === null || Date.parse(resetAt) < Date.parse(runStart) - 5 * 60_000);

  const failures: string[] = [];
  if (overall !== null && overall <= c.minIndexUsageRatio) failures.push(`overall index usage ${decimal(overall)}`);
  for (const t of lowTables)
    failures.push(
      `${t.table_name} index usage ${decimal(t.usage_ratio)} (${t.seq_scan} seq scans of ${t.seq_scan + t.idx_scan}, ${t.est_rows} rows)`,
    );
  if (utilisation !== null && utilisation >= c.maxConnectionUtilisation) {
    failures.push(`connection utilisation ${decimal(utilisation)} (${peak}/${maxConnections})`);
  }
  const warnings: string[] = [
    ...lowCache.map((r) => `${r.kind} cache hit rate ${decimal(r.hit_rate, 4)}`),
    ...s.duplicateIndexes.map((d) => `duplicate indexes on ${d.table_name}: ${d.indexes.join(', ')}`),
  ];
  if (found.length === 0) warnings.push('connections not sampled during the run');
  if (s.statementsProblem !== null) warnings.push(s.statementsProblem);
  if (staleStats)
    warnings.push(
      `statistics last reset ${resetAt ?? 'never'}, before the run started (${runStart}): figures include earlier traffic (the load command resets them before the run; it could not: ${s.reset?.problems.join('; ') || 'unknown why'})`,
    );

  let status: GateStatus;
  if (failures.length > 0) status = 'fail';
  else if (judged.length === 0) {
    return insufficient(
      gate,
      threshold,
      `no table with more than ${c.indexUsageMinRows} rows was scanned ${c.indexUsageMinScans} times or more during the run ` +
        `(${scanned.length} large tables scanned fewer times: ${fewScans.map((t) => `${t.table_name} ${t.seq_scan + t.idx_scan}`).join(', ') || 'none'}): run a longer load, or lower indexUsageMinScans with --criteria`,
      { figures: { tablesOverThreshold: large.length, snapshot: snap.file } },
    );
  } else status = warnings.length > 0 ? 'warn' : 'pass';

  const heap = s.cache.find((r) => r.kind === 'heap')?.hit_rate ?? null;
  const index = s.cache.find((r) => r.kind === 'index')?.hit_rate ?? null;
  const measured =
    `index usage ${decimal(overall)} overall over ${judged.length} large, busy tables` +
    `${lowTables.length > 0 ? ` (${lowTables.length} below)` : ''}; peak connections ${peak ?? 'n/a'}/${maxConnections ?? 'n/a'}` +
    ` = ${decimal(utilisation)}; cache hit heap ${decimal(heap, 4)} index ${decimal(index, 4)}`;
  return gateResult(gate, status, threshold, measured, {
    summary:
      failures.length > 0
        ? `Failed: ${failures.join('; ')}.`
        : warnings.length > 0
          ? `Passed the thresholds with warnings: ${warnings.join('; ')}.`
          : `All database thresholds met. Connections: ${connectionSource}.`,
    figures: {
      indexUsageOverall: overall,
      largeTablesScanned: scanned.length,
      largeTablesJudged: judged.length,
      largeTablesTooFewScans: fewScans.length,
      tablesBelowIndexUsage: lowTables.length,
      connectionsPeak: peak,
      connectionsP95: p95,
      activePeak: peakActive,
      maxConnections,
      connectionUtilisation: utilisation,
      connectionSource,
      heapCacheHitRate: heap,
      indexCacheHitRate: index,
      unusedIndexes: s.unusedIndexes.length,
      duplicateIndexSets: s.duplicateIndexes.length,
      seqScannedLargeTables: seqScans.length,
      sampleFileProblems: [...problems, ...snapshotProblems].join('; ') || null,
      statementsProblem: s.statementsProblem,
      statsResetAt: resetAt,
      counters:
        s.counters === 'delta'
          ? `deltas over the run (not reset: ${s.reset?.problems.join('; ') || 'reset denied'})`
          : s.counters === 'reset'
            ? 'reset right before the run'
            : null,
      statisticsTakenAt: s.takenAt,
      statisticsFile: snap.file,
    },
    rows: [
      ...lowTables.map((t) => ({ check: 'index_usage_below', ...t })),
      ...firstRows(judged.filter((t) => !lowTables.includes(t))).map((t) => ({ check: 'index_usage', ...t })),
      ...firstRows(fewScans).map((t) => ({ check: 'index_usage_not_judged_few_scans', ...t })),
      ...firstRows(seqScans, 5).map(({ usage_ratio: _ratio, ...r }) => ({ check: 'seq_scans_on_large_table', ...r })),
      ...firstRows(s.topByTotal, 5).map((r) => ({ check: 'top_by_total_exec_time', ...r })),
      ...firstRows(s.topByMean, 5).map((r) => ({ check: 'top_by_mean_exec_time', ...r })),
      ...s.duplicateIndexes.map((r) => ({ check: 'duplicate_indexes', ...r })),
      ...firstRows(s.unusedIndexes, 10).map((r) => ({ check: 'unused_index', ...r })),
    ],
    links: ['#database'],
  });
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
