/**
 * Whether the load generator itself, not the target, set the limit of one capacity step. Its own
 * health is judged exactly as the latency gates judge a whole run (verify/k6/generator-health.ts,
 * the same limits and statistics), so a step and a run never disagree about the same instrument.
 * One rule is the envelope's own: drops that only the generator can explain.
 */
import { ASSUMED_REQUEST_SECONDS } from '../../model/profiles.ts';
import { type GeneratorLimits, type GeneratorReadings, judgeReadings } from '../k6/generator-health.ts';

export interface StepLoad {
  readonly scheduledIterations: number;
  readonly droppedIterations: number;
  /** The slowest endpoint's p95 in the step, ms; null without requests. */
  readonly slowestP95Ms: number | null;
  readonly generator: GeneratorReadings;
}

/**
 * Undefined when the generator kept up; else why not. Beyond its own health: the VUs are sized for
 * requests of ASSUMED_REQUEST_SECONDS, so iterations dropped while every endpoint answered faster
 * than that ran out of VUs on the generator's side (too slow a machine, or k6, which records no
 * health of its own); drops behind slower answers are the target's.
 */
export function generatorSaturation(r: StepLoad, limits: GeneratorLimits): string | undefined {
  const own = judgeReadings(r.generator, limits);
  if (own.saturated) return `the generator was saturated: ${own.reasons.join('; ')}`;
  const droppedShare = r.scheduledIterations > 0 ? r.droppedIterations / r.scheduledIterations : 0;
  const sized = ASSUMED_REQUEST_SECONDS * 1000;
  if (droppedShare > limits.maxDroppedIterationRate && r.slowestP95Ms !== null && r.slowestP95Ms < sized)
    return `${r.droppedIterations} iterations dropped (${(droppedShare * 100).toFixed(1)}%) while every endpoint's p95 stayed under the ${sized} ms its VUs were sized for: the generator fell behind`;
  return undefined;
}
