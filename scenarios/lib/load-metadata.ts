/**
 * `load.json`, the metadata `npm run load` writes beside k6's outputs (contract with verify:
 * verify/k6/load-evidence.ts reads it). Rates in it are iterations per second, the unit verify
 * compares delivered load in. Pure: scripts/load.ts does the file and process work.
 */
import { type JourneyName, type JourneyRates, journeyNames, type LoadPlan } from '../../model/profiles.ts';
import { plannedRequests } from './endpoints.ts';

export interface LoadEngineInfo {
  readonly name: 'k6' | 'kit-engine';
  readonly version: string;
}

export interface LoadMetadata {
  readonly version: 1;
  readonly profile: string;
  /** What ran the journeys: the user's k6, or the kit's engine. */
  readonly engine: LoadEngineInfo;
  /** The command as it can be pasted into a shell (environment the kit set, then the arguments). */
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly exitCode: number | null;
  readonly targetUrl: string;
  readonly supabaseUrl: string;
  readonly seedRunId: string | undefined;
  readonly instance?: string;
  /** This instance's execution segment as a share of the run (1/4 for 1/4:2/4). */
  readonly share?: number;
  readonly rateUnit: 'iterations/s';
  readonly scheduled: {
    readonly iterations: number;
    /** Highest scheduled arrival rate per journey during the run. */
    readonly ratePerJourney: Readonly<Record<JourneyName, number>>;
    readonly iterationsPerJourney: Readonly<Record<JourneyName, number>>;
    /** Requests per endpoint the scheduled iterations send (endpoints.ts plannedRequests), what degradation needs of a baseline. */
    readonly requestsPerEndpoint: Readonly<Record<string, number>>;
    readonly durationSeconds: number;
  };
  /** The 1x rates of this run (the baseline; smoke's fixed rates for smoke), this instance's part of them like the schedule. */
  readonly baselineRates: Readonly<Record<JourneyName, number>>;
  readonly baselineSource: string;
  /** The load generator's own health as the run's summary gives it (verify judges it per window). */
  readonly generator?: GeneratorFigures;
  /** A capacity run's held steps (times from the scenarios' start), which verify judges one by one. */
  readonly steps?: readonly LoadStep[];
}

export interface LoadStep {
  readonly step: number;
  readonly multiplier: number;
  /** Scheduled iterations per second over all journeys during the hold, scaled by `share`. */
  readonly rate: number;
  readonly rampStartSeconds: number;
  readonly holdStartSeconds: number;
  readonly holdSeconds: number;
}

/**
 * From the end-of-test summary: the kit engine's own health (engine/health.ts; null under k6, which
 * records none: highest per-second event-loop delay, CPU share of a core and VUs busy, p95 of
 * how late iterations started and of their duration from the planned start beside k6's
 * iteration_duration) and what k6 gives as well (iterations completed and dropped, VUs allocated).
 */
export interface GeneratorFigures {
  readonly eventLoopP99MaxMs: number | null;
  readonly eventLoopMaxMs: number | null;
  readonly cpuMax: number | null;
  readonly vusBusyMax: number | null;
  readonly scheduleLagP95Ms: number | null;
  readonly intendedIterationP95Ms: number | null;
  readonly iterationP95Ms: number | null;
  readonly iterations: number;
  readonly droppedIterations: number;
  readonly vusMax: number | null;
}

/** The figures of a summary object as k6 passes it to handleSummary (`metrics.<name>.values`); undefined when it has none. */
export function generatorFigures(summary: unknown): GeneratorFigures | undefined {
  const metrics = (summary as { metrics?: Record<string, { values?: Record<string, unknown> }> } | null)?.metrics;
  if (typeof metrics !== 'object' || metrics === null) return undefined;
  const value = (metric: string, stat: string): number | null => {
    const v = metrics[metric]?.values?.[stat];
    return typeof v === 'number' ? v : null;
  };
  return {
    eventLoopP99MaxMs: value('kit_generator_event_loop_p99', 'max'),
    eventLoopMaxMs: value('kit_generator_event_loop_max', 'max'),
    cpuMax: value('kit_generator_cpu', 'max'),
    vusBusyMax: value('kit_generator_vus_busy', 'max'),
    scheduleLagP95Ms: value('kit_generator_schedule_lag', 'p(95)'),
    intendedIterationP95Ms: value('kit_intended_iteration_duration', 'p(95)'),
    iterationP95Ms: value('iteration_duration', 'p(95)'),
    iterations: value('iterations', 'count') ?? 0,
    droppedIterations: value('dropped_iterations', 'count') ?? 0,
    vusMax: value('vus_max', 'max'),
  };
}

export interface LoadMetadataInput {
  readonly plan: LoadPlan;
  readonly engine: LoadEngineInfo;
  readonly command: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly exitCode: number | null;
  readonly targetUrl: string;
  readonly supabaseUrl: string;
  readonly seedRunId: string | undefined;
  readonly baselineSource: string;
  readonly instance?: string;
  readonly share?: number;
  /** What this instance schedules, when it runs a segment of the run; the whole plan otherwise. */
  readonly part?: InstancePart;
  readonly generator?: GeneratorFigures;
}

/**
 * An instance's part of the schedule, per journey, as k6 splits it (engine/schedule.ts
 * `instanceSchedule`): not its segment's width, since VUs and arrivals follow k6's striping and a
 * scenario with fewer VUs than instances runs on some instances only.
 */
export interface InstancePart {
  /** Arrivals it starts. */
  readonly iterationsPerJourney: Readonly<Record<JourneyName, number>>;
  /** Its share of the journey's arrival rate (its share of the scenario's maxVUs); 0 when it has no work there. */
  readonly rateShares: Readonly<Record<JourneyName, number>>;
}

export function loadMetadata(input: LoadMetadataInput): LoadMetadata {
  const whole = input.plan.scheduledIterations;
  const iterationsPerJourney = input.part?.iterationsPerJourney ?? whole;
  const rates = input.part?.rateShares;
  return {
    version: 1,
    profile: input.plan.profile.name,
    engine: input.engine,
    command: input.command,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    exitCode: input.exitCode,
    targetUrl: input.targetUrl,
    supabaseUrl: input.supabaseUrl,
    seedRunId: input.seedRunId,
    ...(input.instance !== undefined ? { instance: input.instance } : {}),
    ...(input.share !== undefined ? { share: input.share } : {}),
    rateUnit: 'iterations/s',
    // An instance records its own part; summing the instances gives the whole run.
    scheduled: {
      iterations: journeyNames.reduce((sum, j) => sum + iterationsPerJourney[j], 0),
      ratePerJourney: scale(perSecond(input.plan.peakRates), rates),
      iterationsPerJourney,
      // Each journey's requests in proportion to the iterations it runs of that journey.
      requestsPerEndpoint: input.part
        ? sumRequests(
            journeyNames.map((j) =>
              scaleAll(plannedRequests(only(j, whole[j])), iterationsPerJourney[j] / (whole[j] || 1)),
            ),
          )
        : plannedRequests(whole),
      durationSeconds: input.plan.durationSeconds,
    },
    baselineRates: scale(perSecond(input.plan.baseRates), rates),
    baselineSource: input.baselineSource,
    ...(input.generator ? { generator: input.generator } : {}),
    ...(input.plan.steps
      ? {
          steps: input.plan.steps.map(({ rates, ...step }) => ({
            ...step,
            rate: (journeyNames.reduce((sum, j) => sum + rates[j], 0) / 60) * (input.share ?? 1),
          })),
        }
      : {}),
  };
}

/**
 * The run folder's name: profile and UTC start time.
 * @example runFolderName('peak', new Date('2026-11-25T16:05:09Z')) // 'peak-20261125-160509'
 */
export function runFolderName(profile: string, at: Date): string {
  const iso = at.toISOString(); // 2026-11-25T16:05:09.123Z
  return `${profile}-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** A command line a POSIX shell reads back as the same words. */
export function shellLine(env: Readonly<Record<string, string>>, argv: readonly string[]): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
  return [...Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`), ...argv.map(quote)].join(' ');
}

function perSecond(rates: JourneyRates): Record<JourneyName, number> {
  const out = {} as Record<JourneyName, number>;
  for (const j of journeyNames) out[j] = Math.round((rates[j] / 60) * 1e6) / 1e6;
  return out;
}

function scale(
  values: Readonly<Record<JourneyName, number>>,
  shares: Readonly<Record<JourneyName, number>> | undefined,
): Record<JourneyName, number> {
  const out = { ...values };
  if (shares) for (const j of journeyNames) out[j] = values[j] * shares[j];
  return out;
}

function scaleAll(values: Readonly<Record<string, number>>, factor: number): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v * factor]));
}

function sumRequests(parts: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) if (v > 0) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Iterations of one journey alone. */
function only(journey: JourneyName, n: number): Record<JourneyName, number> {
  const out = {} as Record<JourneyName, number>;
  for (const j of journeyNames) out[j] = j === journey ? n : 0;
  return out;
}
