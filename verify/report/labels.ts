/**
 * What people read instead of raw keys. Gates name their figures for summary.json (`ndcg3CiLower`,
 * `statementsFailed`); the report shows each with a human label and a unit from this one table.
 * Each key is written once here, whichever gates emit it; a test fails when a gate emits a figure
 * this table cannot label, so a new figure arrives with its label.
 */
import { type PostbackKind, postbackPlants } from '../../scenarios/lib/postback.ts';
import { count, gbp, ms, percent, perSecond, score, times } from '../format.ts';

/** How a figure's value reads; `share` values are fractions (0.25) shown as percentages. */
export type Unit = 'count' | 'ms' | 'per-second' | 'share' | 'score' | 'ratio' | 'gbp' | 'text' | 'time';

export interface FigureLabel {
  readonly label: string;
  readonly unit: Unit;
}

const f = (label: string, unit: Unit): FigureLabel => ({ label, unit });

const figureLabels: Readonly<Record<string, FigureLabel>> = {
  // load evidence and latency
  requests: f('requests', 'count'),
  failed: f('failed requests', 'count'),
  'failed rate': f('share of requests failed', 'share'),
  'auth failures': f('authentication failures on own resources', 'count'),
  'own-resource requests': f("requests to users' own resources", 'count'),
  checks: f('checks made', 'count'),
  'check fails': f('failed checks', 'count'),
  'check fail rate': f('share of checks failed', 'share'),
  'overall p90 (ms)': f('p90 latency, all endpoints', 'ms'),
  'overall p95 (ms)': f('p95 latency, all endpoints', 'ms'),
  'overall p99 (ms)': f('p99 latency, all endpoints', 'ms'),
  'worst endpoint p95 (ms)': f('p95 latency of the slowest endpoint', 'ms'),
  'worst window p99 (ms)': f('p99 latency of the worst time window', 'ms'),
  // the load generator's health (verify/k6/generator-health.ts)
  'generator event-loop p99 (ms)': f("load generator's event-loop delay p99 (95th percentile of its seconds)", 'ms'),
  'generator event-loop max (ms)': f("load generator's longest event-loop delay", 'ms'),
  'generator CPU (share of a core)': f(
    "load generator's CPU, share of one core (95th percentile of its seconds)",
    'share',
  ),
  'generator VUs busy (share)': f('VUs busy of those allocated (95th percentile of the seconds)', 'share'),
  'schedule lag p95 (ms)': f('how late iterations started, p95', 'ms'),
  'dropped share': f('share of scheduled iterations dropped', 'share'),
  'VUs all busy': f('every allocated VU busy at some moment (1 yes, 0 no)', 'count'),
  'lines read': f('lines of load output read', 'count'),
  problems: f('problems in the load output', 'count'),
  scheduled: f('iterations scheduled', 'count'),
  completed: f('iterations completed', 'count'),
  dropped: f('iterations dropped', 'count'),
  'achieved rate (/s)': f('iterations achieved', 'per-second'),
  'scheduled peak rate (/s)': f('iterations scheduled at peak', 'per-second'),
  'baseline rate (/s)': f('iterations at current (baseline) load', 'per-second'),
  'baseline rates from': f('where the baseline rates came from', 'text'),
  'engine exit codes': f('load engine exit codes', 'text'),
  'max VUs': f('virtual users at most', 'count'),
  'VUs allocated': f('virtual users allocated', 'count'),
  'peak endpoints': f('endpoints in the peak run', 'count'),
  judged: f('endpoints judged', 'count'),
  'not judged': f('endpoints not judged (too few requests)', 'count'),
  'setup probes': f('setup probes left out', 'count'),
  failing: f('endpoints over the degradation limit', 'count'),
  'worst ratio': f('worst peak / baseline latency', 'ratio'),
  'baseline profile': f('baseline load profile', 'text'),
  // database
  indexUsageOverall: f('index usage, all busy large tables', 'share'),
  largeTablesScanned: f('large tables scanned', 'count'),
  largeTablesJudged: f('large tables judged (enough scans)', 'count'),
  largeTablesTooFewScans: f('large tables with too few scans to judge', 'count'),
  tablesBelowIndexUsage: f('tables below the index usage target', 'count'),
  tablesOverThreshold: f('tables over the row threshold', 'count'),
  connectionsPeak: f('connections at peak', 'count'),
  connectionsP95: f('connections, 95th percentile of samples', 'count'),
  activePeak: f('active connections at peak', 'count'),
  maxConnections: f('connection limit (max_connections)', 'count'),
  connectionUtilisation: f('connection utilisation at peak', 'share'),
  connectionSource: f('where the connection figures come from', 'text'),
  heapCacheHitRate: f('table cache hit rate', 'share'),
  indexCacheHitRate: f('index cache hit rate', 'share'),
  unusedIndexes: f('unused indexes', 'count'),
  duplicateIndexSets: f('sets of duplicate indexes', 'count'),
  seqScannedLargeTables: f('large tables read by sequential scans', 'count'),
  sampleFileProblems: f('problems with the connection samples', 'text'),
  statementsProblem: f('problem with the statement statistics', 'text'),
  statsResetAt: f('statistics last reset', 'time'),
  counters: f('how the statistics describe the run (reset before it, or deltas over it)', 'text'),
  statisticsTakenAt: f('statistics taken', 'time'),
  statisticsFile: f('statistics file', 'text'),
  snapshot: f('statistics file', 'text'),
  statementsCompared: f('statements compared with the baseline', 'count'),
  regressed: f('statements slower than the limit', 'count'),
  worstRatio: f('worst statement slowdown', 'ratio'),
  notCompared: f('statements not compared', 'count'),
  serverVersion: f('PostgreSQL version', 'text'),
  pgStatStatements: f('statement statistics extension', 'text'),
  recording: f('statement statistics recording', 'text'),
  monitoringView: f('checklist monitoring view', 'text'),
  expectedTables: f('tables expected', 'count'),
  expectedColumns: f('columns expected', 'count'),
  expectedTriggers: f('triggers expected', 'count'),
  expectedIndexes: f('indexes expected', 'count'),
  tableFindings: f('table and column findings', 'count'),
  triggerFindings: f('trigger findings', 'count'),
  indexFindings: f('index findings', 'count'),
  triggersFired: f('triggers seen firing', 'count'),
  triggersNotExercised: f('triggers present but not exercised', 'count'),
  // preference and recommendation accuracy
  source: f('where the preferences were read', 'text'),
  calculatedBy: f('who calculated the preferences', 'text'),
  measuredUsers: f('users measured', 'count'),
  coldStartUsers: f('cold-start users (too few swipes, not measured)', 'count'),
  usersWithoutPreferences: f('measured users without stored preferences', 'count'),
  usersAnsweredWrongly: f('users the app answered wrongly about their own preferences', 'count'),
  usersNotAnswered: f('users whose preferences call got no answer', 'count'),
  usersWithPreferences: f('measured users with stored preferences', 'count'),
  ndcg3Mean: f('NDCG@3, mean', 'score'),
  ndcg3CiLower: f('NDCG@3, 95% CI lower bound', 'score'),
  ndcg3CiUpper: f('NDCG@3, 95% CI upper bound', 'score'),
  p3Mean: f('precision@3, mean', 'score'),
  p3CiLower: f('precision@3, 95% CI lower bound', 'score'),
  p3CiUpper: f('precision@3, 95% CI upper bound', 'score'),
  oracleNdcg3: f('NDCG@3 of the oracle (best the swipes allow)', 'score'),
  popularityNdcg3: f('NDCG@3 of popularity alone', 'score'),
  shareOfOracle: f('app as a share of the oracle', 'share'),
  coldStartAppNdcg3: f('NDCG@3 of cold-start users', 'score'),
  k: f('list length judged (k)', 'count'),
  recommendationFailures: f('recommendation calls that failed', 'count'),
  meanItems: f('items per recommendation list, mean', 'count'),
  ndcgMean: f('NDCG@k, mean', 'score'),
  ndcgCiLower: f('NDCG@k, 95% CI lower bound', 'score'),
  ndcgCiUpper: f('NDCG@k, 95% CI upper bound', 'score'),
  popularityNdcg: f('NDCG@k of a popularity-only list', 'score'),
  preferenceListNdcg: f("NDCG@k of the app's own preferences as a list", 'score'),
  bootstrapResamples: f('bootstrap resamples', 'count'),
  bootstrapSeed: f('bootstrap random seed', 'text'),
  // attribution
  seedRuns: f('seed runs judged', 'text'),
  plantedPostbacks: f('postbacks planted by the load', 'count'),
  loadClicks: f('clicks recorded by the load', 'count'),
  plantedClicks: f('clicks planted by the seed', 'count'),
  recordedClicks: f('clicks stored', 'count'),
  plantedConversions: f('conversions planted', 'count'),
  recordedConversions: f('conversions stored', 'count'),
  plantedCommission: f('commission planted', 'gbp'),
  recordedCommission: f('commission stored', 'gbp'),
  commissionDifference: f('commission stored minus planted', 'gbp'),
  plantedRevenue: f('revenue planted', 'gbp'),
  statisticsUsers: f('users whose statistics were asked of the app', 'count'),
  notJudged: f('not judged', 'text'),
  // real data, security, integrity, rollback
  loadWrites: f('writes made by the load', 'count'),
  loadWritesMissing: f('load writes missing from the database', 'count'),
  productsListed: f('products listed', 'count'),
  usersProbed: f('users probed for recommendations', 'count'),
  meanPreferenceShare: f("recommendations from the user's top categories, mean share", 'share'),
  notChecked: f('not checked', 'text'),
  matrixCells: f('RLS matrix cells probed', 'count'),
  matrixMismatches: f('RLS matrix cells not as expected', 'count'),
  matrixLeaks: f('RLS matrix cells leaking data', 'count'),
  dataApiFindings: f('Data API findings', 'count'),
  blockingLints: f('blocking policy lints', 'count'),
  infoLints: f('informational policy lints', 'count'),
  loadRlsLeaks: f('RLS leaks seen under load', 'count'),
  notes: f('notes', 'text'),
  sessionsChecked: f('analytics sessions checked', 'count'),
  mode: f('drill mode', 'text'),
  drilledAt: f('drill started', 'time'),
  statementsRun: f('rollback statements run', 'count'),
  statementsFailed: f('rollback statements failed', 'count'),
  cellsOpened: f('RLS cells opened by the rollback', 'count'),
  deviationsBefore: f('RLS deviations before the rollback', 'count'),
  smokeExitCode: f('smoke load exit code after the rollback', 'text'),
  smokeChecksFailed: f('smoke checks failed after the rollback', 'count'),
  file: f('drill record', 'text'),
  error: f('error', 'text'),
};

/** `what_it_is` → "what it is": check and lint names are snake_case file stems. */
const words = (name: string): string => name.replaceAll('_', ' ');

const postbackNames: Record<PostbackKind, string> = {
  converted: 'valid conversions',
  duplicate: 'replayed (duplicate)',
  late: 'late (after the attribution window)',
  unknown_click: 'with an unknown click',
  bad_signature: 'with a forged signature',
};

/**
 * Keys made from a name the gate does not know in advance: a postback kind, a failure class, a lint
 * or (data-integrity) an SQL check's name. The family is written once; the name is shown in words.
 */
function familyLabel(gateId: string, key: string): FigureLabel | undefined {
  const planted = /^planted_(.+)$/.exec(key)?.[1];
  if (planted !== undefined && planted in postbackPlants)
    return f(`postbacks planted ${postbackNames[planted as PostbackKind]}`, 'count');
  const failure = /^failures_(.+)$/.exec(key)?.[1];
  if (failure !== undefined) return f(`${words(failure)} failures`, 'count');
  const lint = /^lint_(.+)$/.exec(key)?.[1];
  if (lint !== undefined) return f(`lint: ${words(lint)}`, 'count');
  if (gateId === 'data-integrity' && /^[a-z0-9_]+$/.test(key)) return f(`findings: ${words(key)}`, 'count');
  return undefined;
}

export function figureLabel(gateId: string, key: string): FigureLabel | undefined {
  return figureLabels[key] ?? familyLabel(gateId, key);
}

/** `gate-id: key` for every figure no label covers; the report test requires none. */
export function unlabelledFigures(
  gates: readonly { id: string; evidence: { figures?: Readonly<Record<string, unknown>> | undefined } }[],
): string[] {
  return gates.flatMap((g) =>
    Object.keys(g.evidence.figures ?? {})
      .filter((k) => figureLabel(g.id, k) === undefined)
      .map((k) => `${g.id}: ${k}`),
  );
}

/** A value in its unit: "173 ms", "4.5%", "£12.30", "1.82×". Non-numbers (notes, times) as given. */
export function formatFigure(value: number | string | null, unit: Unit): string {
  if (value === null || value === '') return '—';
  const n =
    typeof value === 'number' ? value : unit === 'gbp' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(n)) return String(value);
  switch (unit) {
    case 'ms':
      return ms(n);
    case 'per-second':
      return perSecond(n);
    case 'share':
      return percent(n);
    case 'score':
      return score(n);
    case 'ratio':
      return times(n);
    case 'gbp':
      return gbp(n);
    case 'count':
      return count(n);
    case 'text':
    case 'time':
      return String(value);
  }
}

/** The figure as the report shows it; an unlabelled key (the test catches those) still reads as words. */
export function labelledFigure(
  gateId: string,
  key: string,
  value: number | string | null,
): { label: string; value: string } {
  const found = figureLabel(gateId, key);
  return found
    ? { label: found.label, value: formatFigure(value, found.unit) }
    : { label: columnLabel(key), value: formatFigure(value, 'text') };
}

/** Words for abbreviations inside evidence column names; units move into brackets. */
const columnWords: Readonly<Record<string, string>> = {
  ndcg3: 'NDCG@3',
  ndcg: 'NDCG',
  p3: 'P@3',
  ci: 'CI',
  id: 'id',
  rls: 'RLS',
  api: 'API',
  sql: 'SQL',
  ms: '(ms)',
};

/**
 * Evidence rows come from SQL and gates with snake_case or camelCase column names; a header shows
 * them as words: `baseline_ms` → "baseline (ms)", `scheduled_rate_per_s` → "scheduled rate (/s)".
 */
export function columnLabel(key: string): string {
  return key
    .replace(/_per_s$/, ' (/s)')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((w) => columnWords[w.toLowerCase()] ?? (/^[A-Z][a-z]/.test(w) ? w.toLowerCase() : w))
    .join(' ');
}
