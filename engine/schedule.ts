/**
 * When an arrival-rate scenario starts its iterations: k6's open model, whatever the responses do.
 * A constant rate starts iteration k at k / rate (the first at once, 10/s one every 100 ms, none at
 * the end of the duration); a ramping rate starts iteration n when the area under the rate curve
 * reaches n + 1 (so nothing at t = 0 when the rate starts at 0, and floor(area) iterations in all).
 * Pure; the executor walks the times in order.
 */
import { parseDuration } from '../scenarios/lib/env.ts';
import { arrivalStripes, owns, type Segment, type Stripes, scaleCount } from './segments.ts';

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
    const count = Math.ceil(perSecond * total - 1e-9);
    for (let k = 0; k < count && perSecond > 0; k++) times.push(k / perSecond);
    return Float64Array.from(times);
  }
  let rate = (scenario.startRate ?? 0) / unit;
  let area = 0;
  let offset = 0;
  let n = 0;
  for (const stage of scenario.stages) {
    const d = seconds(stage.duration, 'stages[].duration');
    const next = stage.target / unit;
    const stageArea = ((rate + next) / 2) * d;
    // Iterations whose mark n + 1 lies inside this stage: solve area(τ) = n + 1 − area for τ.
    while (n + 1 <= area + stageArea + 1e-9) {
      times.push(offset + within(n + 1 - area, rate, next, d));
      n++;
    }
    area += stageArea;
    offset += d;
    rate = next;
  }
  return Float64Array.from(times);
}

/** What one instance runs of an arrival-rate scenario. */
export interface InstanceSchedule {
  /** Start times (seconds from the scenario's start) of the arrivals this instance owns, in order. */
  readonly times: Float64Array;
  /** The global iteration numbers it hands out, in order of the iterations it starts. */
  readonly numbers: Stripes;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
}

/**
 * The instance's part of a scenario, as k6 splits it: VUs scaled by the segment's stripes, arrivals
 * re-split by each instance's share of maxVUs. Undefined when the segment gets no VU: no work.
 */
export function instanceSchedule(
  scenario: ArrivalScenarioOptions & { readonly preAllocatedVUs: number; readonly maxVUs?: number },
  segment: Segment,
): InstanceSchedule | undefined {
  const { preAllocatedVUs, maxVUs = preAllocatedVUs } = scenario;
  if (!Number.isInteger(preAllocatedVUs) || preAllocatedVUs < 0)
    throw new ScheduleError(`scenario preAllocatedVUs: expected a whole number >= 0, got ${preAllocatedVUs}`);
  if (!Number.isInteger(maxVUs) || maxVUs < preAllocatedVUs)
    throw new ScheduleError(
      `scenario maxVUs: expected a whole number >= preAllocatedVUs (${preAllocatedVUs}), got ${maxVUs}; leave it out to use preAllocatedVUs`,
    );
  const wholeMax = maxVUs;
  const stripes = arrivalStripes(segment, wholeMax);
  if (!stripes) return undefined;
  const all = startTimes(scenario);
  const times: number[] = [];
  for (let k = 0; k < all.length; k++) if (owns(stripes, k)) times.push(all[k]!);
  return {
    times: Float64Array.from(times),
    numbers: stripes,
    preAllocatedVUs: scaleCount(scenario.preAllocatedVUs, segment),
    maxVUs: scaleCount(wholeMax, segment),
  };
}

// --- internal ---

/** τ in [0, d] where r0·τ + (r1 − r0)·τ²/(2d) = a > 0: the linear ramp's area reaches a. */
function within(a: number, r0: number, r1: number, d: number): number {
  const slope = (r1 - r0) / d;
  // The root in the form that loses no digits when the slope is small or the rate starts at 0.
  const root = r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * a));
  return root > 0 ? Math.min(d, (2 * a) / root) : d;
}

function seconds(text: string, field: string): number {
  const s = parseDuration(text);
  if (s === undefined || s <= 0)
    throw new ScheduleError(`scenario ${field}: expected a duration such as 30s, 1m or 1h30m, got "${text}"`);
  return s;
}
