/**
 * The engine's metric registry: k6's four metric types, submetrics selected by tags, and the
 * aggregates thresholds and the end-of-test summary read. Samples optionally go on to a RawOutput.
 *
 * `add` is the hot path (~15 calls per HTTP request at thousands of requests per second): one Map
 * lookup for the metric, one lookup per indexed tag key for its submetrics, no allocation (trend
 * values live in a growable Float64Array).
 */

import { type RawOutput, type RawSeries, type SampleTime, sampleTimeNow } from './raw-output.ts';
import { parseThresholdSpec } from './thresholds.ts';

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type Contains = 'default' | 'time' | 'data';
export type Tags = Readonly<Record<string, string>>;
export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: Contains;
}

const counter = (name: string, contains: Contains = 'default'): MetricSpec => ({ name, type: 'counter', contains });
const time = (name: string): MetricSpec => ({ name, type: 'trend', contains: 'time' });

/** k6's built-in metrics the engine emits (k6's group_duration is not among them: the kit has no groups). */
export const builtinMetrics: readonly MetricSpec[] = [
  counter('http_reqs'),
  time('http_req_duration'),
  time('http_req_blocked'),
  time('http_req_connecting'),
  time('http_req_tls_handshaking'),
  time('http_req_sending'),
  time('http_req_waiting'),
  time('http_req_receiving'),
  { name: 'http_req_failed', type: 'rate', contains: 'default' },
  counter('iterations'),
  time('iteration_duration'),
  counter('dropped_iterations'),
  { name: 'vus', type: 'gauge', contains: 'default' },
  { name: 'vus_max', type: 'gauge', contains: 'default' },
  { name: 'checks', type: 'rate', contains: 'default' },
  counter('data_sent', 'data'),
  counter('data_received', 'data'),
];

/**
 * A duration in milliseconds at nanosecond resolution, as k6 records durations (Go's
 * time.Duration): shorter lines to write, and digits the raw output writes without String().
 */
export function ns(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

export type ThresholdSpec =
  | string
  | { readonly threshold: string; readonly abortOnFail: boolean; readonly delayAbortEval?: string };

export interface CounterAggregate {
  readonly type: 'counter';
  readonly samples: number;
  /** The sum of the values; the rate is count / test duration, which only the caller knows. */
  readonly count: number;
}
export interface GaugeAggregate {
  readonly type: 'gauge';
  readonly samples: number;
  /** The last value; 0, like min and max, before the first sample (as in k6). */
  readonly value: number;
  readonly min: number;
  readonly max: number;
}
export interface RateAggregate {
  readonly type: 'rate';
  readonly samples: number;
  /** Samples with a non-zero value. */
  readonly passes: number;
  readonly fails: number;
  /** passes / samples; 0 without samples. */
  readonly rate: number;
}
export interface TrendAggregate {
  readonly type: 'trend';
  readonly samples: number;
  readonly count: number;
  /** avg, min, max, med and percentiles are 0 without samples, as in k6. */
  readonly avg: number;
  readonly min: number;
  readonly max: number;
  readonly med: number;
  /** p in 0..100, interpolated linearly between sorted samples at rank p/100·(n−1), as k6 does. */
  percentile(p: number): number;
}
export type Aggregate = CounterAggregate | GaugeAggregate | RateAggregate | TrendAggregate;

interface Sink {
  add(value: number): void;
}

class CounterSink implements CounterAggregate, Sink {
  readonly type = 'counter';
  samples = 0;
  count = 0;
  add(value: number): void {
    this.samples += 1;
    this.count += value;
  }
}

class GaugeSink implements GaugeAggregate, Sink {
  readonly type = 'gauge';
  samples = 0;
  value = 0;
  min = 0;
  max = 0;
  add(value: number): void {
    if (this.samples === 0 || value < this.min) this.min = value;
    if (this.samples === 0 || value > this.max) this.max = value;
    this.value = value;
    this.samples += 1;
  }
}

class RateSink implements RateAggregate, Sink {
  readonly type = 'rate';
  samples = 0;
  passes = 0;
  get fails(): number {
    return this.samples - this.passes;
  }
  get rate(): number {
    return this.samples === 0 ? 0 : this.passes / this.samples;
  }
  add(value: number): void {
    this.samples += 1;
    if (value !== 0) this.passes += 1;
  }
}

class TrendSink implements TrendAggregate, Sink {
  readonly type = 'trend';
  count = 0;
  min = 0;
  max = 0;
  // Summed in arrival order, like k6, so averages agree to the last bit.
  private sum = 0;
  private values = new Float64Array(16);
  private sorted = true;

  get samples(): number {
    return this.count;
  }
  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
  get med(): number {
    return this.percentile(50);
  }

  add(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count] = value;
    if (this.count === 0 || value < this.min) this.min = value;
    if (this.count === 0 || value > this.max) this.max = value;
    this.count += 1;
    this.sum += value;
    this.sorted = false;
  }

  percentile(p: number): number {
    const n = this.count;
    if (n === 0) return 0;
    if (!this.sorted) {
      this.values.subarray(0, n).sort(); // typed arrays sort numerically
      this.sorted = true;
    }
    const rank = (p / 100) * (n - 1);
    const below = this.values[Math.floor(rank)] as number;
    const above = this.values[Math.ceil(rank)] as number;
    return below + (above - below) * (rank - Math.floor(rank));
  }
}

function newSink(type: MetricType): CounterSink | GaugeSink | RateSink | TrendSink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink();
  }
}

interface Submetric {
  readonly key: string;
  /** The tags as written between the braces, as k6 names the submetric's suffix. */
  readonly suffix: string;
  readonly tags: Tags;
  /** Every tag but the one the index found it by, checked on each candidate sample. */
  readonly otherTags: readonly (readonly [string, string])[];
  readonly sink: CounterSink | GaugeSink | RateSink | TrendSink;
  observed: boolean;
}

interface Series {
  readonly spec: MetricSpec;
  readonly sink: CounterSink | GaugeSink | RateSink | TrendSink;
  observed: boolean;
  readonly submetrics: Submetric[];
  /** tag key → tag value → the submetrics whose first tag that is. */
  readonly index: { readonly key: string; readonly byValue: Map<string, Submetric[]> }[];
  raw: RawSeries | undefined;
}

/** k6 declares this submetric itself whenever the expected_response tag is on (its default); the summary shows it once it has samples. */
const EXPECTED_RESPONSE_SUBMETRIC = 'http_req_duration{expected_response:true}';

export interface MetricsOptions {
  readonly specs: readonly MetricSpec[];
  /** k6's `thresholds` option: keys `metric` or `metric{tag:value,…}`; an empty list only declares the (sub)metric. */
  readonly thresholds: Readonly<Record<string, readonly ThresholdSpec[]>>;
  readonly out?: RawOutput;
}

export class Metrics {
  private readonly series = new Map<string, Series>();
  private readonly submetrics = new Map<string, Submetric>();
  private readonly out: RawOutput | undefined;

  constructor(options: MetricsOptions) {
    this.out = options.out;
    for (const spec of options.specs) {
      if (this.series.has(spec.name))
        throw new Error(`metric "${spec.name}" is declared twice; each metric name needs one spec`);
      this.series.set(spec.name, {
        spec,
        sink: newSink(spec.type),
        observed: false,
        submetrics: [],
        index: [],
        raw: undefined,
      });
    }
    for (const [key, specs] of Object.entries(options.thresholds)) {
      const brace = key.indexOf('{');
      const name = brace < 0 ? key : key.slice(0, brace);
      const series = this.series.get(name);
      if (!series) {
        throw new Error(
          `threshold key "${key}" names metric "${name}", which is not declared; declared metrics: ${[...this.series.keys()].join(', ')}`,
        );
      }
      for (const spec of specs) parseThresholdSpec(key, series.spec.type, spec); // fail before the run, as k6 does
      // k6 shows a metric in the summary once any threshold key names it or one of its submetrics.
      series.observed = true;
      if (brace >= 0) this.addSubmetric(series, key, brace).observed = true;
    }
    const duration = this.series.get('http_req_duration');
    if (duration && !this.submetrics.has(EXPECTED_RESPONSE_SUBMETRIC)) {
      this.addSubmetric(duration, EXPECTED_RESPONSE_SUBMETRIC, EXPECTED_RESPONSE_SUBMETRIC.indexOf('{'));
    }
    if (this.out) {
      for (const series of this.series.values()) {
        series.raw = this.out.series({
          ...series.spec,
          thresholds: options.thresholds[series.spec.name] ?? [],
          submetrics: series.submetrics.map((s) => ({ name: s.key, suffix: s.suffix, tags: s.tags })),
        });
      }
    }
  }

  /** One sample: the metric's aggregate, every matching submetric, and a Point on the raw output. */
  add(metric: string, value: number, tags: Tags, time?: SampleTime): void {
    const series = this.series.get(metric);
    if (series === undefined) throw new Error(`unknown metric "${metric}": declare it in the specs given to Metrics`);
    if (!Number.isFinite(value)) throw new Error(`metric "${metric}": sample value ${value} is not a finite number`);
    series.sink.add(value);
    series.observed = true;
    for (const { key, byValue } of series.index) {
      const tagValue = tags[key];
      if (tagValue === undefined) continue;
      const candidates = byValue.get(tagValue);
      if (candidates === undefined) continue;
      for (const sub of candidates) {
        if (sub.otherTags.length === 0 || hasTags(tags, sub.otherTags)) {
          sub.sink.add(value);
          sub.observed = true;
        }
      }
    }
    if (this.out) this.out.write(series.raw as RawSeries, value, tags, time ?? sampleTimeNow());
  }

  /** The aggregate of a metric or submetric key (e.g. 'http_req_duration{name:swipe_create}'); undefined when not declared. */
  aggregate(key: string): Aggregate | undefined {
    return (this.submetrics.get(key) ?? this.series.get(key))?.sink;
  }

  /** The spec of a metric, or of a submetric's metric; undefined when the key is not declared. */
  spec(key: string): MetricSpec | undefined {
    if (!this.submetrics.has(key)) return this.series.get(key)?.spec;
    return this.series.get(key.slice(0, key.indexOf('{')))?.spec;
  }

  /** Metric and submetric keys with a sample or named by a threshold: specs in order, each followed by its submetrics in declaration order. */
  keys(): string[] {
    const keys: string[] = [];
    for (const series of this.series.values()) {
      if (series.observed) keys.push(series.spec.name);
      for (const sub of series.submetrics) if (sub.observed) keys.push(sub.key);
    }
    return keys;
  }

  private addSubmetric(series: Series, key: string, brace: number): Submetric {
    const existing = this.submetrics.get(key);
    if (existing) return existing;
    // Each spelling is a submetric of its own, as in k6 (`{expected_response: true}` beside k6's `{expected_response:true}`).
    const tags = parseSubmetricTags(key, brace);
    const entries = Object.entries(tags);
    const [first, ...others] = entries as [[string, string], ...[string, string][]];
    const sub: Submetric = {
      key,
      suffix: key.slice(brace + 1, -1).trim(),
      tags,
      otherTags: others,
      sink: newSink(series.spec.type),
      observed: false,
    };
    series.submetrics.push(sub);
    this.submetrics.set(key, sub);
    let slot = series.index.find((i) => i.key === first[0]);
    if (!slot) {
      slot = { key: first[0], byValue: new Map() };
      series.index.push(slot);
    }
    const list = slot.byValue.get(first[1]);
    if (list) list.push(sub);
    else slot.byValue.set(first[1], [sub]);
    return sub;
  }
}

/**
 * The tags of `metric{tag:value,tag2:value2}` (AND of equal tags), read as k6 does: spaces and
 * quotes around keys and values are trimmed, `tag:` matches the empty value, and a tag without a
 * colon (`{name}`) or an empty one (`{name:foo,}`) is refused.
 */
function parseSubmetricTags(key: string, brace: number): Tags {
  const inner = key.slice(brace + 1, -1);
  if (!key.endsWith('}') || inner.includes('{') || inner.includes('}')) {
    throw new Error(
      `threshold key "${key}" is malformed; expected "metric{tag:value}" or "metric{tag1:value1,tag2:value2}" with one closing brace at the end`,
    );
  }
  const tags: Record<string, string> = {};
  for (const pair of inner.trim() === '' ? [] : inner.split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0)
      throw new Error(
        `threshold key "${key}" has ${pair.trim() === '' ? 'an empty tag (a comma with nothing after it)' : `a tag "${pair.trim()}" without a colon`}; expected tag:value pairs separated by commas`,
      );
    const name = unquote(pair.slice(0, colon));
    if (name === '')
      throw new Error(`threshold key "${key}" has a tag without a name in "${pair}"; expected tag:value`);
    tags[name] = unquote(pair.slice(colon + 1));
  }
  if (Object.keys(tags).length === 0)
    throw new Error(`threshold key "${key}" selects no tags; expected at least one tag:value between the braces`);
  return tags;
}

function hasTags(tags: Tags, wanted: readonly (readonly [string, string])[]): boolean {
  for (const [key, value] of wanted) if (tags[key] !== value) return false;
  return true;
}

function unquote(text: string): string {
  return text.trim().replace(/^["']+|["']+$/g, '');
}
