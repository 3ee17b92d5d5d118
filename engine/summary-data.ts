/**
 * The object k6 (v2.2, default "legacy" shape) passes to `handleSummary(data)`, built from the
 * engine's Metrics: the same keys, the same values per metric type, the same check and group ids
 * (md5 hex of the path), so the kit's handleSummary and summary readers work unchanged.
 */
import { createHash } from 'node:crypto';
import type { Contains, Metrics, MetricType, ThresholdSpec, TrendAggregate } from './metrics.ts';
import { evaluateThresholds } from './thresholds.ts';

export interface SummaryCheck {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly passes: number;
  readonly fails: number;
}

export interface SummaryGroup {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly groups: readonly SummaryGroup[];
  readonly checks: readonly SummaryCheck[];
}

export interface SummaryMetric {
  readonly type: MetricType;
  readonly contains: Contains;
  readonly values: Readonly<Record<string, number>>;
  /** Only on keys with at least one threshold expression, as in k6. */
  readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>>;
}

export interface SummaryObject {
  readonly setup_data: unknown;
  readonly root_group: SummaryGroup;
  readonly options: {
    readonly summaryTrendStats: readonly string[];
    readonly summaryTimeUnit: string;
    readonly noColor: boolean;
  };
  readonly state: { readonly isStdOutTTY: boolean; readonly isStdErrTTY: boolean; readonly testRunDurationMs: number };
  readonly metrics: Readonly<Record<string, SummaryMetric>>;
}

export interface SummaryInput {
  readonly metrics: Metrics;
  readonly thresholds: Readonly<Record<string, readonly ThresholdSpec[]>>;
  /** k6's summaryTrendStats, e.g. ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']; each becomes a key of every trend's values. */
  readonly trendStats: readonly string[];
  readonly durationMs: number;
  readonly setupData: unknown;
  /** The root group's checks, in the order they were first run. */
  readonly checks: readonly { readonly name: string; readonly passes: number; readonly fails: number }[];
  readonly isStdOutTTY: boolean;
  readonly isStdErrTTY: boolean;
}

export function summaryData(input: SummaryInput): SummaryObject {
  const { metrics, durationMs } = input;
  // k6 holds the run time in whole nanoseconds; dividing those gives counter rates to the last bit.
  const seconds = Math.round(durationMs * 1e6) / 1e9;
  const trendStat = input.trendStats.map(trendStatReader);
  const judged = new Map<string, Record<string, { ok: boolean }>>();
  for (const result of evaluateThresholds(metrics, input.thresholds, seconds)) {
    let byExpression = judged.get(result.metric);
    if (!byExpression) judged.set(result.metric, (byExpression = {}));
    byExpression[result.expression] = { ok: result.ok };
  }

  const summaryMetrics: Record<string, SummaryMetric> = {};
  for (const key of metrics.keys()) {
    const aggregate = metrics.aggregate(key);
    const spec = metrics.spec(key);
    if (!aggregate || !spec) throw new Error(`Metrics listed key "${key}" but has no aggregate for it`);
    let values: Record<string, number>;
    switch (aggregate.type) {
      case 'counter':
        values = { count: aggregate.count, rate: seconds > 0 ? aggregate.count / seconds : 0 };
        break;
      case 'gauge':
        values = { value: aggregate.value, min: aggregate.min, max: aggregate.max };
        break;
      case 'rate':
        values = { rate: aggregate.rate, passes: aggregate.passes, fails: aggregate.fails };
        break;
      case 'trend':
        values = {};
        for (const [i, stat] of input.trendStats.entries()) values[stat] = (trendStat[i] as TrendStatReader)(aggregate);
        break;
    }
    const thresholds = judged.get(key);
    summaryMetrics[key] = thresholds
      ? { type: spec.type, contains: spec.contains, values, thresholds }
      : { type: spec.type, contains: spec.contains, values };
  }

  return {
    setup_data: input.setupData,
    root_group: {
      name: '',
      path: '',
      id: md5Hex(''),
      groups: [],
      checks: input.checks.map((c) => ({
        name: c.name,
        path: `::${c.name}`,
        id: md5Hex(`::${c.name}`),
        passes: c.passes,
        fails: c.fails,
      })),
    },
    options: { summaryTrendStats: [...input.trendStats], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: input.isStdOutTTY, isStdErrTTY: input.isStdErrTTY, testRunDurationMs: durationMs },
    metrics: summaryMetrics,
  };
}

type TrendStatReader = (trend: TrendAggregate) => number;

/** k6's trend columns: avg, min, med, max, count, p(N) with N from 0 to 100. */
function trendStatReader(stat: string): TrendStatReader {
  switch (stat) {
    case 'avg':
      return (t) => t.avg;
    case 'min':
      return (t) => t.min;
    case 'med':
      return (t) => t.med;
    case 'max':
      return (t) => t.max;
    case 'count':
      return (t) => t.count;
  }
  const n = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat) ? Number(stat.slice(2, -1)) : Number.NaN;
  if (!(n >= 0 && n <= 100))
    throw new Error(
      `summary trend stat "${stat}" is unknown; expected avg, min, med, max, count or p(N) with N from 0 to 100`,
    );
  return (t) => t.percentile(n);
}

function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
