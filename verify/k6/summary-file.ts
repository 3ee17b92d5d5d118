/**
 * Fallback when a run has no raw output: k6's end-of-test summary (`k6-summary.json`, either the
 * handleSummary data object `{metrics: {m: {type, values}}}` or the `--summary-export` shape
 * `{metrics: {m: {...values}}}`). Its percentiles are k6's exact ones for that one process; per
 * endpoint figures exist only for `http_req_duration{name:…}` sub-metrics the script declared.
 * There are no windows and no histograms, so summaries of several instances cannot be merged.
 */
import { readFile } from 'node:fs/promises';
import type { EndpointStats, LatencyStats } from '../context.ts';

type Values = Record<string, unknown>;

export interface SummaryFigures {
  readonly overall: EndpointStats | undefined;
  readonly endpoints: EndpointStats[];
  readonly completed: number;
  /** Completed iterations per scenario, from the `iterations{scenario:…}` submetrics the script declared. */
  readonly perScenario: Record<string, number>;
  readonly iterationRate: number | undefined;
  readonly dropped: number;
  readonly vusMax: number | null;
  readonly vusMaxAllocated: number | null;
  readonly counters: Record<string, number>;
  readonly checks: { passes: number; fails: number };
  readonly dbTime: LatencyStats | undefined;
  readonly durationSeconds: number | undefined;
  readonly problems: string[];
}

export async function readSummaryFile(file: string): Promise<SummaryFigures> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return emptyFigures([`${file}: cannot be read as JSON (${(error as Error).message})`]);
  }
  const metrics = (data as { metrics?: unknown }).metrics;
  if (typeof metrics !== 'object' || metrics === null)
    return emptyFigures([`${file}: no "metrics" object; not a k6 summary`]);
  const byName = new Map<string, Values>();
  for (const [name, entry] of Object.entries(metrics as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const nested = (entry as { values?: unknown }).values;
    byName.set(name, (typeof nested === 'object' && nested !== null ? nested : entry) as Values);
  }
  const num = (values: Values | undefined, key: string): number | undefined => {
    const v = values?.[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const failed = byName.get('http_req_failed');
  const reqs = byName.get('http_reqs');
  const overall = endpointFrom(
    '(all)',
    byName.get('http_req_duration'),
    num(reqs, 'count'),
    num(failed, 'passes'),
    num,
  );
  const endpoints: EndpointStats[] = [];
  for (const [name, values] of byName) {
    const match = /^http_req_duration\{name:([^}]+)\}$/.exec(name);
    if (!match) continue;
    const endpoint = match[1]!;
    const failedSub = byName.get(`http_req_failed{name:${endpoint}}`);
    const reqsSub = byName.get(`http_reqs{name:${endpoint}}`);
    const stats = endpointFrom(endpoint, values, num(reqsSub, 'count'), num(failedSub, 'passes'), num);
    if (stats) endpoints.push(stats);
  }
  endpoints.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const counters: Record<string, number> = {};
  for (const [name, values] of byName) {
    if (name.startsWith('aclue_') && !name.includes('{')) {
      const count = num(values, 'count');
      if (count !== undefined) counters[name] = count;
    }
  }
  const checks = byName.get('checks');
  const dbTime = byName.get('aclue_db_time');
  const problems: string[] = [];
  if (!overall)
    problems.push(`${file}: no http_req_duration trend; the run made no requests or the summary is incomplete`);
  const perScenario: Record<string, number> = {};
  for (const [name, values] of byName) {
    const scenario = /^iterations\{scenario:([^}]+)\}$/.exec(name)?.[1];
    const n = num(values, 'count');
    if (scenario !== undefined && n !== undefined) perScenario[scenario] = n;
  }
  const iterations = byName.get('iterations');
  const count = num(iterations, 'count');
  const rate = num(iterations, 'rate');
  return {
    overall,
    endpoints,
    completed: count ?? 0,
    perScenario,
    iterationRate: rate,
    dropped: num(byName.get('dropped_iterations'), 'count') ?? 0,
    vusMax: num(byName.get('vus'), 'max') ?? null,
    vusMaxAllocated: num(byName.get('vus_max'), 'max') ?? null,
    counters,
    checks: { passes: num(checks, 'passes') ?? 0, fails: num(checks, 'fails') ?? 0 },
    dbTime: dbTime ? latencyFrom(dbTime, num) : undefined,
    durationSeconds: count !== undefined && rate ? count / rate : undefined,
    problems,
  };
}

/** The metric names (no submetrics) of a k6-summary.json; undefined when the file is absent or unreadable. */
export async function readSummaryMetricNames(file: string): Promise<string[] | undefined> {
  try {
    const metrics = (JSON.parse(await readFile(file, 'utf8')) as { metrics?: unknown }).metrics;
    if (typeof metrics !== 'object' || metrics === null) return undefined;
    return Object.keys(metrics)
      .filter((name) => !name.includes('{'))
      .sort();
  } catch {
    return undefined;
  }
}

/**
 * The thresholds the engine judged breached, as `metric expression` (k6's handleSummary data keeps
 * `metrics[m].thresholds[expression].ok`). Undefined when the file is absent or unreadable: the
 * report then says nothing rather than "none breached".
 */
export async function readBreachedThresholds(file: string): Promise<string[] | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const metrics = (data as { metrics?: unknown }).metrics;
  if (typeof metrics !== 'object' || metrics === null) return undefined;
  const breached: string[] = [];
  for (const [name, entry] of Object.entries(metrics as Record<string, unknown>)) {
    const thresholds = (entry as { thresholds?: unknown } | null)?.thresholds;
    if (typeof thresholds !== 'object' || thresholds === null) continue;
    for (const [expression, result] of Object.entries(thresholds as Record<string, unknown>)) {
      if ((result as { ok?: unknown } | null)?.ok === false) breached.push(`${name} ${expression}`);
    }
  }
  return breached.sort();
}

type Num = (values: Values | undefined, key: string) => number | undefined;

function latencyFrom(values: Values, num: Num): LatencyStats | undefined {
  const p95 = num(values, 'p(95)');
  if (p95 === undefined) return undefined;
  return {
    count: num(values, 'count') ?? 0,
    min: num(values, 'min') ?? 0,
    p50: num(values, 'p(50)') ?? num(values, 'med') ?? 0,
    p90: num(values, 'p(90)') ?? 0,
    p95,
    // p(99) is not in k6's default summaryTrendStats; max is the only safe upper bound then.
    p99: num(values, 'p(99)') ?? num(values, 'max') ?? 0,
    max: num(values, 'max') ?? 0,
    mean: num(values, 'avg') ?? 0,
  };
}

function endpointFrom(
  name: string,
  values: Values | undefined,
  requests: number | undefined,
  failed: number | undefined,
  num: Num,
): EndpointStats | undefined {
  if (!values) return undefined;
  const latency = latencyFrom(values, num);
  if (!latency) return undefined;
  const total = requests ?? latency.count;
  // http_req_failed counts failed requests as the rate's "passes" (true values).
  const bad = failed ?? 0;
  return { name, latency, requests: total, failed: bad, errorRate: total === 0 ? 0 : bad / total, statuses: {} };
}

function emptyFigures(problems: string[]): SummaryFigures {
  return {
    overall: undefined,
    endpoints: [],
    completed: 0,
    perScenario: {},
    iterationRate: undefined,
    dropped: 0,
    vusMax: null,
    vusMaxAllocated: null,
    counters: {},
    checks: { passes: 0, fails: 0 },
    dbTime: undefined,
    durationSeconds: undefined,
    problems,
  };
}
