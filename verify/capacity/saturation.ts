/**
 * Whether the load generator itself, not the target, set the limit of one capacity step: the one
 * place the envelope asks it, so it can follow the engine's own health judgement where there is one.
 */
import { ASSUMED_REQUEST_SECONDS } from '../../model/profiles.ts';
import type { SuccessCriteria } from '../../model/slo.ts';

/** The engine's own health measures in the raw output (absent from k6's): per step, their mean and max. */
export const GENERATOR_METRICS = [
  'kit_generator_event_loop_p99',
  'kit_generator_event_loop_max',
  'kit_generator_cpu',
  'kit_generator_vus_busy',
  'kit_generator_schedule_lag',
] as const;

export interface GeneratorReadings {
  readonly scheduledIterations: number;
  readonly droppedIterations: number;
  /** The slowest endpoint's p95 in the step, ms; null without requests. */
  readonly slowestP95Ms: number | null;
  /** Health metric name -> its mean and max within the step, for those present. */
  readonly health: Readonly<Record<string, { readonly mean: number; readonly max: number }>>;
}

/**
 * Undefined when the generator kept up; else why not, against the run's generator limits
 * (model/slo.ts `generator`, the ones the latency gates' measurement-validity check uses). The VUs are sized for requests of
 * ASSUMED_REQUEST_SECONDS: iterations dropped while every endpoint answered faster than that ran
 * out of VUs on the generator's side (too slow a machine); drops behind slower answers are the target's.
 */
export function generatorSaturation(r: GeneratorReadings, limits: SuccessCriteria['generator']): string | undefined {
  const lag = r.health.kit_generator_schedule_lag;
  if (lag && lag.max > limits.maxScheduleLagP95Ms)
    return `iterations started up to ${Math.round(lag.max)} ms late (schedule lag over ${limits.maxScheduleLagP95Ms} ms)`;
  const loop = r.health.kit_generator_event_loop_p99;
  if (loop && loop.mean > limits.maxEventLoopP99Ms)
    return `the generator's event loop p99 was ${Math.round(loop.mean)} ms (over ${limits.maxEventLoopP99Ms} ms)`;
  const cpu = r.health.kit_generator_cpu;
  if (cpu && cpu.mean >= limits.maxCpuShare) return `the generator used ${Math.round(cpu.mean * 100)}% of its CPU`;
  const droppedShare = r.scheduledIterations > 0 ? r.droppedIterations / r.scheduledIterations : 0;
  const sized = ASSUMED_REQUEST_SECONDS * 1000;
  if (droppedShare > 0.01 && r.slowestP95Ms !== null && r.slowestP95Ms < sized)
    return `${r.droppedIterations} iterations dropped (${(droppedShare * 100).toFixed(1)}%) while every endpoint's p95 stayed under the ${sized} ms its VUs were sized for: the generator fell behind`;
  return undefined;
}
