/**
 * k6 threshold expressions, `<aggregation> <operator> <number>`, parsed and judged with k6's
 * semantics (read from grafana/k6 metrics/thresholds.go and internal/metrics/engine/engine.go).
 *
 * Metrics without samples, at the end of a run — k6 evaluates every threshold then, and this
 * module does the same:
 * - rate: k6 has no `rate` value without samples, and a threshold whose value is missing passes;
 * - counter: count is 0 and judged as such (`count<=0` passes, `count>0` fails); `rate` is
 *   missing, so passes, only when the duration is 0;
 * - trend: avg, min, max, med and every p(N) are 0 and judged as such, so `p(95)<200` passes and
 *   `p(95)>0` fails — k6 does not treat an empty trend as missing;
 * - gauge: value is 0 and judged as such.
 * During a run (abortOnFail checks), k6 skips a metric with no samples entirely; `duringRun`
 * does the same, so an empty metric never aborts a run.
 */
import { parseDuration } from '../scenarios/lib/env.ts';
import type { Aggregate, Metrics, MetricType, ThresholdSpec } from './metrics.ts';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
export type Aggregation = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med' | 'p';

export interface ParsedThreshold {
  readonly expression: string;
  readonly aggregation: Aggregation;
  /** N of p(N), 0..100; 0 for other aggregations. */
  readonly percentile: number;
  readonly operator: Operator;
  readonly value: number;
}

const AGGREGATIONS: Readonly<Record<MetricType, readonly Aggregation[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Longer operators first, so `<=` is not read as `<` followed by `=…`.
const EXPRESSION = /^\s*([a-z]+)(?:\(([^()]*)\))?\s*(<=|>=|===|==|!=|<|>)\s*(.*?)\s*$/;

/** Parses one expression for a metric (or submetric) key of the given type; throws an Error naming both when it is wrong. */
export function parseThreshold(metricKey: string, type: MetricType, expression: string): ParsedThreshold {
  const allowed = AGGREGATIONS[type].map((a) => (a === 'p' ? 'p(N)' : a)).join(', ');
  const fail = (why: string): never => {
    throw new Error(
      `threshold "${expression}" on ${metricKey}: ${why}; expected "<aggregation> <operator> <number>" with aggregation ${allowed} (${type} metric) and operator <, <=, >, >=, ==, ===, !=`,
    );
  };
  const match = EXPRESSION.exec(expression);
  if (!match) return fail('not of the form aggregation, operator, number');
  const [, name = '', argument, operator = '', number = ''] = match;
  const aggregation = AGGREGATIONS[type].find((a) => a === name);
  if (!aggregation) return fail(`aggregation "${name}${argument === undefined ? '' : `(${argument})`}" does not apply`);
  if ((aggregation === 'p') !== (argument !== undefined))
    return fail(aggregation === 'p' ? 'p needs a percentile, as in p(95)' : `"${name}" takes no argument`);
  let percentile = 0;
  if (argument !== undefined) {
    percentile = Number(argument);
    if (!NUMBER.test(argument) || percentile < 0 || percentile > 100)
      fail(`percentile "${argument}" is not a number from 0 to 100`);
  }
  if (!NUMBER.test(number)) fail(`right-hand side "${number}" is not a number`);
  return { expression, aggregation, percentile, operator: operator as Operator, value: Number(number) };
}

export interface ThresholdRule {
  readonly parsed: ParsedThreshold;
  readonly abortOnFail: boolean;
  readonly delayAbortEvalSeconds: number;
}

/** Parses either form of a threshold (string, or k6's object with abortOnFail and delayAbortEval). */
export function parseThresholdSpec(metricKey: string, type: MetricType, spec: ThresholdSpec): ThresholdRule {
  if (typeof spec === 'string')
    return { parsed: parseThreshold(metricKey, type, spec), abortOnFail: false, delayAbortEvalSeconds: 0 };
  const parsed = parseThreshold(metricKey, type, spec.threshold);
  const delay = spec.delayAbortEval === undefined ? 0 : parseDuration(spec.delayAbortEval);
  if (delay === undefined) {
    throw new Error(
      `threshold "${spec.threshold}" on ${metricKey}: delayAbortEval "${spec.delayAbortEval}" is not a duration; expected e.g. "10s", "1m30s", "500ms"`,
    );
  }
  return { parsed, abortOnFail: spec.abortOnFail, delayAbortEvalSeconds: delay };
}

export interface ThresholdResult {
  readonly metric: string;
  readonly expression: string;
  readonly ok: boolean;
  readonly abortOnFail: boolean;
  readonly delayAbortEvalSeconds: number;
}

/**
 * Judges every threshold, in the order given. `durationSeconds` is the test run time so far (for
 * a counter's `rate`). `duringRun` skips metrics without samples, as k6's periodic check does.
 */
export function evaluateThresholds(
  metrics: Metrics,
  thresholds: Readonly<Record<string, readonly ThresholdSpec[]>>,
  durationSeconds: number,
  options: { readonly duringRun?: boolean } = {},
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, specs] of Object.entries(thresholds)) {
    const aggregate = metrics.aggregate(metric);
    if (!aggregate)
      throw new Error(
        `threshold key "${metric}" is not declared in these Metrics; build Metrics with the same thresholds`,
      );
    const skip = options.duringRun === true && aggregate.samples === 0;
    for (const spec of specs) {
      const rule = parseThresholdSpec(metric, aggregate.type, spec);
      const lhs = skip ? undefined : aggregateValue(aggregate, rule.parsed, durationSeconds);
      const ok = lhs === undefined || compare(lhs, rule.parsed.operator, rule.parsed.value);
      results.push({
        metric,
        expression: rule.parsed.expression,
        ok,
        abortOnFail: rule.abortOnFail,
        delayAbortEvalSeconds: rule.delayAbortEvalSeconds,
      });
    }
  }
  return results;
}

/** The value k6 compares; undefined where k6 has none (then the threshold passes). */
function aggregateValue(aggregate: Aggregate, threshold: ParsedThreshold, durationSeconds: number): number | undefined {
  switch (aggregate.type) {
    case 'counter':
      if (threshold.aggregation === 'count') return aggregate.count;
      return durationSeconds > 0 ? aggregate.count / durationSeconds : undefined;
    case 'gauge':
      return aggregate.value;
    case 'rate':
      return aggregate.samples > 0 ? aggregate.rate : undefined;
    case 'trend':
      switch (threshold.aggregation) {
        case 'avg':
          return aggregate.avg;
        case 'min':
          return aggregate.min;
        case 'max':
          return aggregate.max;
        case 'med':
          return aggregate.med;
        default:
          return aggregate.percentile(threshold.percentile);
      }
  }
}

function compare(lhs: number, operator: Operator, rhs: number): boolean {
  switch (operator) {
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    case '==':
    case '===':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
  }
}
