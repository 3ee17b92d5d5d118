/**
 * When an arrival-rate scenario starts its iterations: k6's open model. Iteration k starts when the
 * area under the rate curve reaches k (so the first starts at once, and a constant 10/s starts one
 * every 100 ms), whatever the responses do. Pure; the executor walks the times in order.
 */
import { parseDuration } from '../scenarios/lib/env.ts';

export type ArrivalScenarioOptions =
  | {
      readonly executor: 'constant-arrival-rate';
      readonly rate: number;
      readonly timeUnit?: string;
      readonly duration: string;
    }
  | {
      readonly executor: 'ramping-arrival-rate';
      readonly startRate?: number;
      readonly timeUnit?: string;
      readonly stages: readonly { readonly target: number; readonly duration: string }[];
    };

export class ScheduleError extends Error {}

/** The scenario's length in seconds (without graceful stop). */
export function scheduleSeconds(scenario: ArrivalScenarioOptions): number {
  return scenario.executor === 'constant-arrival-rate'
    ? seconds(scenario.duration, 'duration')
    : scenario.stages.reduce((sum, stage) => sum + seconds(stage.duration, 'stages[].duration'), 0);
}

/**
 * Start times in seconds from the scenario's start, of every iteration of the whole run, in order.
 * @example startTimes({ executor: 'constant-arrival-rate', rate: 2, timeUnit: '1s', duration: '2s' }) // [0, 0.5, 1, 1.5]
 */
export function startTimes(scenario: ArrivalScenarioOptions): Float64Array {
  const unit = seconds(scenario.timeUnit ?? '1s', 'timeUnit');
  const times: number[] = [];
  if (scenario.executor === 'constant-arrival-rate') {
    const perSecond = scenario.rate / unit;
    const total = seconds(scenario.duration, 'duration');
    // k from the area: k / rate, while inside the duration (integer area bounds avoid float drift).
    const count = Math.ceil(perSecond * total - 1e-9);
    for (let k = 0; k < count && perSecond > 0; k++) times.push(k / perSecond);
    return Float64Array.from(times);
  }
  let rate = (scenario.startRate ?? 0) / unit;
  let area = 0;
  let offset = 0;
  let k = 0;
  for (const stage of scenario.stages) {
    const d = seconds(stage.duration, 'stages[].duration');
    const next = stage.target / unit;
    const stageArea = ((rate + next) / 2) * d;
    // Iterations whose area mark k lies inside this stage: solve area(τ) = k - area for τ.
    while (k < area + stageArea - 1e-9) {
      times.push(offset + within(k - area, rate, next, d));
      k++;
    }
    area += stageArea;
    offset += d;
    rate = next;
  }
  return Float64Array.from(times);
}

// --- internal ---

/** τ in [0, d] where r0·τ + (r1 − r0)·τ²/(2d) = a: the linear ramp's area reaches a. */
function within(a: number, r0: number, r1: number, d: number): number {
  if (a <= 0) return 0;
  const slope = (r1 - r0) / d;
  if (Math.abs(slope) < 1e-12) return a / r0;
  const disc = r0 * r0 + 2 * slope * a;
  return Math.min(d, (-r0 + Math.sqrt(Math.max(0, disc))) / slope);
}

function seconds(text: string, field: string): number {
  const s = parseDuration(text);
  if (s === undefined || s <= 0)
    throw new ScheduleError(`scenario ${field}: expected a duration such as 30s, 1m or 1h30m, got "${text}"`);
  return s;
}
