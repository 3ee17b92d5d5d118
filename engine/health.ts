/**
 * The instrument's own health, written beside what it measures so verify can tell a slow app from
 * a starved load generator. Every second: the event loop's delay (p99 and max over that second; a
 * starved or GC-bound process shows it first), the process's CPU share of one core, and VUs busy ÷
 * allocated. Per iteration (executor.ts): how late it started against its planned time, and its
 * duration from that planned start (coordinated omission made visible). Names carry the `kit_`
 * prefix: k6 has no such metrics, and a k6 run simply lacks them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Tags } from '../scenarios/lib/runtime.ts';
import type { MetricSpec, Metrics } from './metrics.ts';

export const GeneratorMetric = {
  eventLoopP99: 'kit_generator_event_loop_p99',
  eventLoopMax: 'kit_generator_event_loop_max',
  cpu: 'kit_generator_cpu',
  vusBusy: 'kit_generator_vus_busy',
  scheduleLag: 'kit_generator_schedule_lag',
  intendedIterationDuration: 'kit_intended_iteration_duration',
} as const;

export const generatorMetrics: readonly MetricSpec[] = [
  { name: GeneratorMetric.eventLoopP99, type: 'gauge', contains: 'time' },
  { name: GeneratorMetric.eventLoopMax, type: 'gauge', contains: 'time' },
  { name: GeneratorMetric.cpu, type: 'gauge', contains: 'default' },
  { name: GeneratorMetric.vusBusy, type: 'gauge', contains: 'default' },
  { name: GeneratorMetric.scheduleLag, type: 'trend', contains: 'time' },
  { name: GeneratorMetric.intendedIterationDuration, type: 'trend', contains: 'time' },
];

const SAMPLE_EVERY_MS = 1000;
/** The delay histogram's timer resolution: finer costs wake-ups, coarser hides short stalls. */
const RESOLUTION_MS = 10;

/** Starts sampling; the returned function takes a last sample and stops. */
export function sampleGeneratorHealth(
  metrics: Metrics,
  tags: Tags,
  vus: () => { busy: number; allocated: number },
): () => void {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let cpuBefore = process.cpuUsage();
  let at = performance.now();
  const sample = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const elapsedMs = now - at;
    if (elapsedMs <= 0) return;
    // The histogram counts in nanoseconds, and only once its timer has fired.
    const p99 = delay.count > 0 ? delay.percentile(99) / 1e6 : 0;
    const max = delay.count > 0 ? delay.max / 1e6 : 0;
    const { busy, allocated } = vus();
    metrics.add(GeneratorMetric.eventLoopP99, round(p99), tags);
    metrics.add(GeneratorMetric.eventLoopMax, round(max), tags);
    metrics.add(GeneratorMetric.cpu, round((cpu.user + cpu.system) / 1000 / elapsedMs), tags);
    metrics.add(GeneratorMetric.vusBusy, allocated === 0 ? 0 : round(busy / allocated), tags);
    delay.reset();
    cpuBefore = process.cpuUsage();
    at = now;
  };
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  return () => {
    clearInterval(timer);
    sample();
    delay.disable();
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
