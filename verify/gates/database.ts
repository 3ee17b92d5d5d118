/**
 * Database health under the load: index usage per large table and overall, connection
 * utilisation sampled during the run, cache hit rates, top statements, sequential scans on
 * large tables, unused and duplicate indexes. SQL lives in verify/sql/database/.
 */
import type { Gate, GateResult, GateStatus } from '../gate.ts';
import type { VerifyContext } from '../context.ts';
import { readDbSamples } from '../checks/db-samples.ts';
import { firstRows, gateResult, insufficient, oneLine, ratio } from '../checks/result.ts';
import { runCheck, sqlCheck } from '../sql/run.ts';

interface IndexUsageRow { table_name: string; est_rows: number; seq_scan: number; idx_scan: number; usage_ratio: number | null }
interface CacheRow { kind: 'heap' | 'index'; hits: number; reads: number; hit_rate: number | null }
interface ConnectionsNow { connections: number; active: number; max_connections: number; reserved_connections: number }

const gate = {
  id: 'database',
  title: 'Database: index usage, connections, cache, statements',
  level: 'error',
  checklist: ['Index usage ratio: >80%', 'Connection utilisation: <70%', 'Index usage ratio >75%'],
} as const;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

async function run(ctx: VerifyContext): Promise<GateResult> {
  const c = ctx.criteria;
  const threshold =
    `index usage >= ${c.minIndexUsageRatio} per table with > ${c.indexUsageMinRows} rows and overall; ` +
    `peak connections < ${c.maxConnectionUtilisation} x max_connections; cache hit >= ${c.minCacheHitRate} (warn)`;
  if (ctx.db === undefined) return insufficient(gate, threshold, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  const db = ctx.db;
  try {
    const usage = (await runCheck<IndexUsageRow>(db, sqlCheck('database', 'index_usage'))).map((r) => ({
      ...r, est_rows: num(r.est_rows), seq_scan: num(r.seq_scan), idx_scan: num(r.idx_scan),
    }));
    const large = usage.filter((r) => r.est_rows > c.indexUsageMinRows);
    const scanned = large.filter((r) => r.seq_scan + r.idx_scan > 0);
    const idx = scanned.reduce((s, r) => s + r.idx_scan, 0);
    const all = scanned.reduce((s, r) => s + r.idx_scan + r.seq_scan, 0);
    const overall = all === 0 ? null : idx / all;
    const lowTables = scanned.filter((r) => (r.usage_ratio ?? 1) < c.minIndexUsageRatio);

    const cache = await runCheck<CacheRow>(db, sqlCheck('database', 'cache_hit'));
    const lowCache = cache.filter((r) => r.hit_rate !== null && r.hit_rate < c.minCacheHitRate);

    // Connections: samples from the run when the load command stored them, else one reading now.
    const { found, problems } = readDbSamples(ctx.load);
    let peak: number;
    let p95: number | null = null;
    let peakActive: number;
    let maxConnections: number;
    let connectionSource: string;
    if (found.length > 0) {
      peak = Math.max(...found.map((f) => f.samples.peak.connections));
      p95 = Math.max(...found.map((f) => f.samples.p95.connections));
      peakActive = Math.max(...found.map((f) => f.samples.peak.active));
      maxConnections = Math.min(...found.map((f) => f.samples.maxConnections));
      const count = found.reduce((s, f) => s + f.samples.samples.length, 0);
      connectionSource = `${count} samples taken during the run (${found.map((f) => f.file).join(', ')})`;
    } else {
      const now = (await runCheck<ConnectionsNow>(db, sqlCheck('database', 'connections_now')))[0];
      peak = now?.connections ?? 0;
      peakActive = now?.active ?? 0;
      maxConnections = now?.max_connections ?? 0;
      connectionSource = 'one reading taken now (no db-samples.json from the load run: utilisation under load is unknown)';
    }
    const utilisation = maxConnections > 0 ? peak / maxConnections : null;

    // Counters reset long before the run (or never) mix earlier traffic into the run's figures.
    const resetAt = (await runCheck<{ stats_reset: string | null }>(db, sqlCheck('database', 'stats_reset')))[0]?.stats_reset ?? null;
    const runStart = ctx.statsWindow?.startedAt ?? ctx.load?.startedAt;
    const staleStats = runStart !== undefined && (resetAt === null || Date.parse(resetAt) < Date.parse(runStart) - 5 * 60_000);
    const seqScans = await runCheck(db, sqlCheck('database', 'seq_scans_on_large_tables'), [c.indexUsageMinRows]);
    const unused = await runCheck(db, sqlCheck('database', 'unused_indexes'));
    const duplicates = await runCheck<{ table_name: string; indexes: string[] }>(db, sqlCheck('database', 'duplicate_indexes'));
    // pg_stat_statements is optional for the verdict: without it the gate still judges the rest.
    // Read last, so a failure here cannot abort the reads above inside a caller's transaction.
    let total: Record<string, unknown>[] = [];
    let slowest: Record<string, unknown>[] = [];
    let statementsProblem: string | null = null;
    try {
      total = await runCheck(db, sqlCheck('database', 'top_statements_by_total'));
      slowest = await runCheck(db, sqlCheck('database', 'top_statements_by_mean'));
    } catch (error) {
      statementsProblem = `top statements not available: ${oneLine(error)} (pg_stat_statements must be preloaded and created in schema extensions)`;
    }

    const failures: string[] = [];
    if (overall !== null && overall < c.minIndexUsageRatio) failures.push(`overall index usage ${ratio(overall)}`);
    for (const t of lowTables) failures.push(`${t.table_name} index usage ${ratio(t.usage_ratio)} (${t.seq_scan} seq scans, ${t.est_rows} rows)`);
    if (utilisation !== null && utilisation >= c.maxConnectionUtilisation) {
      failures.push(`connection utilisation ${ratio(utilisation)} (${peak}/${maxConnections})`);
    }
    const warnings: string[] = [
      ...lowCache.map((r) => `${r.kind} cache hit rate ${ratio(r.hit_rate, 4)}`),
      ...duplicates.map((d) => `duplicate indexes on ${d.table_name}: ${d.indexes.join(', ')}`),
    ];
    if (found.length === 0) warnings.push('connections from a single reading, not sampled during the run');
    if (statementsProblem !== null) warnings.push(statementsProblem);
    if (staleStats) warnings.push(`statistics last reset ${resetAt ?? 'never'}, before the run started (${runStart}): figures include earlier traffic (reset them with verify/stats.ts before the load)`);

    let status: GateStatus;
    if (failures.length > 0) status = 'fail';
    else if (scanned.length === 0) {
      return insufficient(gate, threshold,
        `no table with more than ${c.indexUsageMinRows} rows was scanned since the statistics were reset: run the load (and seed) first`,
        { tablesOverThreshold: large.length });
    } else status = warnings.length > 0 ? 'warn' : 'pass';

    const measured = `index usage ${ratio(overall)} overall over ${scanned.length} large tables` +
      `${lowTables.length > 0 ? ` (${lowTables.length} below)` : ''}; peak connections ${peak}/${maxConnections}` +
      ` = ${ratio(utilisation)}; cache hit heap ${ratio(cache.find((r) => r.kind === 'heap')?.hit_rate, 4)}` +
      ` index ${ratio(cache.find((r) => r.kind === 'index')?.hit_rate, 4)}`;
    return gateResult(gate, status, threshold, measured, {
      summary: failures.length > 0
        ? `Failed: ${failures.join('; ')}.`
        : warnings.length > 0 ? `Passed the thresholds with warnings: ${warnings.join('; ')}.` : `All database thresholds met. Connections: ${connectionSource}.`,
      figures: {
        indexUsageOverall: overall,
        largeTablesScanned: scanned.length,
        tablesBelowIndexUsage: lowTables.length,
        connectionsPeak: peak,
        connectionsP95: p95,
        activePeak: peakActive,
        maxConnections,
        connectionUtilisation: utilisation,
        connectionSource,
        heapCacheHitRate: cache.find((r) => r.kind === 'heap')?.hit_rate ?? null,
        indexCacheHitRate: cache.find((r) => r.kind === 'index')?.hit_rate ?? null,
        unusedIndexes: unused.length,
        duplicateIndexSets: duplicates.length,
        seqScannedLargeTables: seqScans.length,
        sampleFileProblems: problems.join('; ') || null,
        statementsProblem,
        statsResetAt: resetAt,
      },
      rows: [
        ...lowTables.map((t) => ({ check: 'index_usage_below', ...t })),
        ...firstRows(large.filter((t) => !lowTables.includes(t))).map((t) => ({ check: 'index_usage', ...t })),
        ...firstRows(seqScans, 5).map((r) => ({ check: 'seq_scans_on_large_table', ...r })),
        ...firstRows(total, 5).map((r) => ({ check: 'top_by_total_exec_time', ...r })),
        ...firstRows(slowest, 5).map((r) => ({ check: 'top_by_mean_exec_time', ...r })),
        ...duplicates.map((r) => ({ check: 'duplicate_indexes', ...r })),
        ...firstRows(unused, 10).map((r) => ({ check: 'unused_index', ...r })),
      ],
      links: ['#database'],
    });
  } catch (error) {
    return insufficient(gate, threshold, `database statistics could not be read: ${oneLine(error)}`);
  }
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
