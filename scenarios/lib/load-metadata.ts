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
  /** This instance's share of the run (its execution segment); scheduled figures are already scaled by it. */
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
  /** The 1x rates of this run (the baseline; smoke's fixed rates for smoke), scaled by `share` like the schedule. */
  readonly baselineRates: Readonly<Record<JourneyName, number>>;
  readonly baselineSource: string;
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
}

export function loadMetadata(input: LoadMetadataInput): LoadMetadata {
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
    scheduled: {
      // An instance schedules its segment's share; summing the instances gives the whole run.
      iterations: input.plan.totalScheduledIterations * (input.share ?? 1),
      ratePerJourney: scale(perSecond(input.plan.peakRates), input.share ?? 1),
      iterationsPerJourney: scale(input.plan.scheduledIterations, input.share ?? 1),
      requestsPerEndpoint: scale(plannedRequests(input.plan.scheduledIterations), input.share ?? 1),
      durationSeconds: input.plan.durationSeconds,
    },
    // Scaled like the schedule: summed over the instances, the baseline is the whole run's again.
    baselineRates: scale(perSecond(input.plan.baseRates), input.share ?? 1),
    baselineSource: input.baselineSource,
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

function scale<T extends Readonly<Record<string, number>>>(values: T, share: number): T {
  if (share === 1) return values;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v * share])) as T;
}
