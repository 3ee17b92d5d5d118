/**
 * Test support: reads k6 raw output (gzipped NDJSON) into plain records, and replays a real k6 run's
 * samples through the engine's Metrics (and RawOutput) with the same metrics and thresholds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { builtinMetrics, type MetricSpec, Metrics, type ThresholdSpec } from '../../engine/metrics.ts';
import { parseSampleTime, type RawOutput } from '../../engine/raw-output.ts';
import type { SummaryObject } from '../../engine/summary-data.ts';
import { openNdjson } from '../../verify/k6/raw-file.ts';

export const FIXTURE_RAW = path.join(import.meta.dirname, 'fixtures', 'peak-k6-v2.2.0.json.gz');
export const FIXTURE_SUMMARY = path.join(import.meta.dirname, 'fixtures', 'peak-k6-v2.2.0-summary.json');

export const kitMetrics: readonly MetricSpec[] = [
  ...builtinMetrics,
  { name: 'aclue_rls_leaks', type: 'counter', contains: 'default' },
  { name: 'aclue_auth_failures', type: 'counter', contains: 'default' },
  { name: 'aclue_clicks_created', type: 'counter', contains: 'default' },
  { name: 'aclue_writes', type: 'counter', contains: 'default' },
  { name: 'aclue_db_time', type: 'trend', contains: 'time' },
];

export interface MetricLine {
  readonly type: 'Metric';
  readonly metric: string;
  readonly data: {
    readonly name: string;
    readonly type: string;
    readonly contains: string;
    readonly thresholds: readonly unknown[];
    readonly submetrics:
      | readonly { readonly name: string; readonly suffix: string; readonly tags: Record<string, string> }[]
      | null;
  };
}

export interface PointLine {
  readonly type: 'Point';
  readonly metric: string;
  readonly data: { readonly time: string; readonly value: number; readonly tags: Record<string, string> };
}

export interface RawFile {
  /** Every line as written, without its newline. */
  readonly lines: readonly string[];
  readonly declarations: readonly MetricLine[];
  readonly points: readonly PointLine[];
}

export async function readRaw(file: string): Promise<RawFile> {
  const lines: string[] = [];
  const declarations: MetricLine[] = [];
  const points: PointLine[] = [];
  for await (const line of createInterface({ input: await openNdjson(file), crlfDelay: Infinity })) {
    lines.push(line);
    const parsed = JSON.parse(line) as MetricLine | PointLine;
    if (parsed.type === 'Metric') declarations.push(parsed);
    else points.push(parsed);
  }
  return { lines, declarations, points };
}

export const fixtureSummary = (): SummaryObject => JSON.parse(readFileSync(FIXTURE_SUMMARY, 'utf8')) as SummaryObject;

/** k6 adds this submetric itself; so does the engine, so it must not come from the thresholds. */
const AUTOMATIC = 'http_req_duration{expected_response:true}';

/**
 * The run's thresholds as far as k6's outputs show them: expressions from the Metric lines and the
 * summary, and every submetric the Metric lines or the summary name (with no expression: declared only).
 */
export function fixtureThresholds(raw: RawFile, summary: SummaryObject): Record<string, ThresholdSpec[]> {
  const thresholds: Record<string, ThresholdSpec[]> = {};
  for (const d of raw.declarations) {
    if (d.data.thresholds.length > 0) thresholds[d.metric] = d.data.thresholds as string[];
    for (const sub of d.data.submetrics ?? []) if (sub.name !== AUTOMATIC) thresholds[sub.name] ??= [];
  }
  for (const [key, metric] of Object.entries(summary.metrics)) {
    if (metric.thresholds) thresholds[key] = Object.keys(metric.thresholds);
    else if (key.includes('{') && key !== AUTOMATIC) thresholds[key] ??= [];
  }
  return thresholds;
}

/**
 * Adds every Point of `raw` to a new Metrics at its original time. Tags objects are shared between
 * samples with equal tags, as the executor shares one per request.
 */
export function replay(raw: RawFile, thresholds: Record<string, ThresholdSpec[]>, out?: RawOutput): Metrics {
  const metrics = new Metrics(out ? { specs: kitMetrics, thresholds, out } : { specs: kitMetrics, thresholds });
  const tagsByJson = new Map<string, Record<string, string>>();
  for (const p of raw.points) {
    const json = JSON.stringify(p.data.tags);
    let tags = tagsByJson.get(json);
    if (!tags) tagsByJson.set(json, (tags = p.data.tags));
    metrics.add(p.metric, p.data.value, tags, parseSampleTime(p.data.time));
  }
  return metrics;
}
