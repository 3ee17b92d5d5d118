/**
 * Folds k6 samples of one or several instances into constant-size state: one histogram per endpoint,
 * one per time window, counters and gauges. Instances are merged by adding histograms and counts;
 * gauges (vus) are summed across instances within a window, never averaged.
 */
import { GeneratorMetric } from '../../engine/health.ts';
import type { EndpointStats, LatencyStats, PlantedPostback, WindowStats } from '../context.ts';
import { Histogram } from './histogram.ts';

/** Endpoint histograms: 1024 sub-buckets (≤ 0.1% error). Window histograms only feed charts: 128. */
const ENDPOINT_BITS = 10;
const WINDOW_BITS = 7;
/** More windows than this and the window width doubles (adjacent windows merge exactly). */
const MAX_WINDOWS = 600;

export interface SampleTags {
  readonly [tag: string]: string | undefined;
}

interface Endpoint {
  readonly histogram: Histogram;
  requests: number;
  failed: number;
  readonly statuses: Map<string, number>;
}

/** The load generator's own figures in one window: highest per instance, then highest over instances. */
interface GeneratorWindow {
  eventLoopP99: number | null;
  eventLoopMax: number | null;
  cpu: number | null;
  vusBusy: number | null;
  /** How late iterations started (kit_generator_schedule_lag); empty for k6. */
  readonly lag: Histogram;
  readonly intended: Histogram;
  readonly iteration: Histogram;
}

interface Window extends GeneratorWindow {
  readonly histogram: Histogram;
  requests: number;
  failed: number;
  iterations: number;
  dropped: number;
  /** Highest vus gauge per instance within the window. */
  readonly vus: Map<string, number>;
}

export class LoadAccumulator {
  private readonly endpoints = new Map<string, Endpoint>();
  private windows = new Map<number, Window>();
  windowSeconds = 1;
  private origin: number | undefined;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;
  completed = 0;
  dropped = 0;
  readonly perScenario = new Map<string, number>();
  readonly counters = new Map<string, number>();
  readonly authFailures = new Map<string, number>();
  readonly rlsLeaks = new Map<string, number>();
  readonly writes: { entity: string; id: string }[] = [];
  readonly clickIds: string[] = [];
  readonly postbacks: PlantedPostback[] = [];
  readonly dbTime = new Histogram(ENDPOINT_BITS);
  readonly scheduleLag = new Histogram(ENDPOINT_BITS);
  readonly intendedIteration = new Histogram(ENDPOINT_BITS);
  readonly iterationDuration = new Histogram(ENDPOINT_BITS);
  checksPass = 0;
  checksFail = 0;
  private readonly vusMax = new Map<string, number>();

  /** One sample; `time` in ms since the epoch, `instance` names the k6 process that produced it. */
  add(metric: string, time: number, value: number, tags: SampleTags, instance: string): void {
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
    switch (metric) {
      case 'http_req_duration':
        this.request(time, value, tags);
        return;
      case 'iterations': {
        this.completed += value;
        const scenario = tags.scenario ?? 'default';
        this.perScenario.set(scenario, (this.perScenario.get(scenario) ?? 0) + value);
        this.window(time).iterations += value;
        return;
      }
      case 'dropped_iterations':
        this.dropped += value;
        this.window(time).dropped += value;
        return;
      case 'vus': {
        const vus = this.window(time).vus;
        if (value > (vus.get(instance) ?? -1)) vus.set(instance, value);
        return;
      }
      case 'vus_max':
        if (value > (this.vusMax.get(instance) ?? -1)) this.vusMax.set(instance, value);
        return;
      case 'checks':
        if (value > 0) this.checksPass += 1;
        else this.checksFail += 1;
        return;
      case 'aclue_db_time':
        this.dbTime.record(value);
        return;
      case 'iteration_duration':
        this.iterationDuration.record(value);
        this.window(time).iteration.record(value);
        return;
      case 'kit_generator_schedule_lag':
        this.scheduleLag.record(value);
        this.window(time).lag.record(value);
        return;
      case 'kit_intended_iteration_duration':
        this.intendedIteration.record(value);
        this.window(time).intended.record(value);
        return;
      case 'kit_generator_event_loop_p99':
      case 'kit_generator_event_loop_max':
      case 'kit_generator_cpu':
      case 'kit_generator_vus_busy': {
        const w = this.window(time);
        const key = GAUGES[metric];
        if (w[key] === null || value > w[key]) w[key] = value;
        return;
      }
      default:
        this.custom(metric, value, tags);
    }
  }

  private request(time: number, value: number, tags: SampleTags): void {
    const name = tags.name ?? '(unnamed)'; // k6 sets name to the URL unless the script names it
    let endpoint = this.endpoints.get(name);
    if (!endpoint) {
      endpoint = { histogram: new Histogram(ENDPOINT_BITS), requests: 0, failed: 0, statuses: new Map() };
      this.endpoints.set(name, endpoint);
    }
    const status = tags.status ?? '0';
    // http_req_failed records exactly !expected_response; without the tag (responseCallback: null)
    // fall back to the status: transport errors (0) and HTTP errors count as failed.
    const failed =
      tags.expected_response !== undefined
        ? tags.expected_response === 'false'
        : status === '0' || Number(status) >= 400;
    endpoint.histogram.record(value);
    endpoint.requests += 1;
    if (failed) endpoint.failed += 1;
    endpoint.statuses.set(status, (endpoint.statuses.get(status) ?? 0) + 1);
    const window = this.window(time);
    window.histogram.record(value);
    window.requests += 1;
    if (failed) window.failed += 1;
  }

  private custom(metric: string, value: number, tags: SampleTags): void {
    this.counters.set(metric, (this.counters.get(metric) ?? 0) + value);
    if ((metric === 'aclue_auth_failures' || metric === 'aclue_rls_leaks') && value > 0) {
      const byEndpoint = metric === 'aclue_auth_failures' ? this.authFailures : this.rlsLeaks;
      const name = tags.name ?? '(unnamed)';
      byEndpoint.set(name, (byEndpoint.get(name) ?? 0) + value);
    } else if (metric === 'aclue_writes' && tags.entity !== undefined && tags.id !== undefined) {
      this.writes.push({ entity: tags.entity, id: tags.id });
    } else if (metric === 'aclue_clicks_created' && tags.click_id !== undefined) {
      this.clickIds.push(tags.click_id);
    } else if (metric === 'aclue_postbacks' && tags.kind !== undefined && tags.order_id !== undefined) {
      this.postbacks.push({
        kind: tags.kind,
        clickId: tags.click_id ?? '',
        orderId: tags.order_id,
        userId: tags.user_id ?? '',
        amount: tags.amount ?? '',
        commission: tags.commission ?? '',
        clickedAt: tags.clicked_at ?? '',
        status: Number(tags.status ?? 0),
        outcome: tags.outcome ?? '',
      });
    }
  }

  private window(time: number): Window {
    // Keys count windows from an origin near the first sample: small integers hash fast, where
    // epoch seconds would be heap numbers. The origin is a multiple of 1024 s, so widened windows
    // keep round boundaries; samples before it (other instances) get negative keys, which is fine.
    if (this.origin === undefined) this.origin = Math.floor(time / 1000 / 1024) * 1024;
    const key = Math.floor((time / 1000 - this.origin) / this.windowSeconds);
    let window = this.windows.get(key);
    if (!window) {
      if (this.windows.size >= MAX_WINDOWS) {
        this.widen();
        return this.window(time);
      }
      window = {
        histogram: new Histogram(WINDOW_BITS),
        requests: 0,
        failed: 0,
        iterations: 0,
        dropped: 0,
        vus: new Map(),
        eventLoopP99: null,
        eventLoopMax: null,
        cpu: null,
        vusBusy: null,
        lag: new Histogram(WINDOW_BITS),
        intended: new Histogram(WINDOW_BITS),
        iteration: new Histogram(WINDOW_BITS),
      };
      this.windows.set(key, window);
    }
    return window;
  }

  /** Doubles the window width, merging neighbours: memory stays bounded however long the run. */
  private widen(): void {
    const merged = new Map<number, Window>();
    for (const [key, w] of this.windows) {
      const target = merged.get(Math.floor(key / 2));
      if (!target) {
        merged.set(Math.floor(key / 2), w);
        continue;
      }
      target.histogram.add(w.histogram);
      target.requests += w.requests;
      target.failed += w.failed;
      target.iterations += w.iterations;
      target.dropped += w.dropped;
      for (const [instance, vus] of w.vus) if (vus > (target.vus.get(instance) ?? -1)) target.vus.set(instance, vus);
      for (const key of Object.values(GAUGES)) {
        const v = w[key];
        if (v !== null && (target[key] === null || v > target[key])) target[key] = v;
      }
      target.lag.add(w.lag);
      target.intended.add(w.intended);
      target.iteration.add(w.iteration);
    }
    this.windows = merged;
    this.windowSeconds *= 2;
  }

  endpointStats(): EndpointStats[] {
    return [...this.endpoints.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, e]) => toEndpointStats(name, e.histogram, e.requests, e.failed, Object.fromEntries(e.statuses)));
  }

  overallStats(): EndpointStats {
    const all = new Histogram(ENDPOINT_BITS);
    let requests = 0;
    let failed = 0;
    const statuses = new Map<string, number>();
    for (const e of this.endpoints.values()) {
      all.add(e.histogram);
      requests += e.requests;
      failed += e.failed;
      for (const [s, n] of e.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
    }
    return toEndpointStats('(all)', all, requests, failed, Object.fromEntries(statuses));
  }

  windowStats(): WindowStats[] {
    return [...this.windows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([key, w]) => ({
        t: (this.origin ?? 0) + key * this.windowSeconds,
        requests: w.requests,
        failed: w.failed,
        p50: round(w.histogram.percentile(0.5)),
        p90: round(w.histogram.percentile(0.9)),
        p95: round(w.histogram.percentile(0.95)),
        p99: round(w.histogram.percentile(0.99)),
        iterations: w.iterations,
        droppedIterations: w.dropped,
        vus: w.vus.size === 0 ? null : [...w.vus.values()].reduce((a, b) => a + b, 0),
        ...(w.eventLoopP99 === null && w.lag.count === 0
          ? {}
          : {
              eventLoopP99: w.eventLoopP99,
              eventLoopMax: w.eventLoopMax,
              cpu: w.cpu,
              vusBusy: w.vusBusy,
              scheduleLagP95: round(w.lag.percentile(0.95)),
              intendedIterationP95: round(w.intended.percentile(0.95)),
              iterationP95: round(w.iteration.percentile(0.95)),
              scheduleLagHistogram: w.lag.encode(),
            }),
      }));
  }

  vusMaxAllocated(): number | null {
    return this.vusMax.size === 0 ? null : [...this.vusMax.values()].reduce((a, b) => a + b, 0);
  }
}

/**
 * The engine's per-second health gauges, by the field verify keeps each in: a window here, a
 * capacity step's readings (verify/capacity/steps.ts) and the generator judgement alike.
 */
export const GAUGES = {
  [GeneratorMetric.eventLoopP99]: 'eventLoopP99',
  [GeneratorMetric.eventLoopMax]: 'eventLoopMax',
  [GeneratorMetric.cpu]: 'cpu',
  [GeneratorMetric.vusBusy]: 'vusBusy',
} as const satisfies Record<string, keyof GeneratorWindow>;

export function latencyStats(h: Histogram): LatencyStats {
  return {
    count: h.count,
    min: round(h.count ? h.min : 0)!,
    p50: round(h.percentile(0.5) ?? 0)!,
    p90: round(h.percentile(0.9) ?? 0)!,
    p95: round(h.percentile(0.95) ?? 0)!,
    p99: round(h.percentile(0.99) ?? 0)!,
    max: round(h.count ? h.max : 0)!,
    mean: round(h.mean)!,
  };
}

function toEndpointStats(
  name: string,
  h: Histogram,
  requests: number,
  failed: number,
  statuses: Record<string, number>,
): EndpointStats {
  return {
    name,
    latency: latencyStats(h),
    requests,
    failed,
    errorRate: requests === 0 ? 0 : failed / requests,
    statuses,
    histogram: h.encode(),
  };
}

/** Microsecond precision is all k6 reports; rounding keeps summary.json stable and readable. */
function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}
