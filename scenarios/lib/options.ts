/**
 * The k6 options of an entry script, as plain data: the profile's scenarios, the thresholds, and
 * the tags and trend statistics the reports rely on. Pure; the entry scripts type it as k6 `Options`.
 */
import {
  type CapacityStep,
  capacitySteps,
  type JourneyName,
  type JourneyRates,
  journeyNames,
  type LoadPlan,
  type ProfileName,
  planLoad,
  profiles,
} from '../../model/profiles.ts';
import { type SuccessCriteria, successCriteria } from '../../model/slo.ts';
import { plannedRequests } from './endpoints.ts';
import { type ScenarioEnv, ScenarioEnvError } from './env.ts';
import { buildThresholds, type Thresholds } from './thresholds.ts';

/**
 * k6's default system tags minus `url`: every request carries a stable `name` instead, so no per-id
 * URL (and no token from an `?authorization=` query) ever reaches a metric or the raw output.
 */
export const SYSTEM_TAGS = [
  'proto',
  'subproto',
  'status',
  'method',
  'name',
  'group',
  'check',
  'error',
  'error_code',
  'tls_version',
  'scenario',
  'service',
  'expected_response',
] as const;

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'] as const;

export interface PlainOptions {
  readonly scenarios: LoadPlan['scenarios'];
  readonly thresholds: Thresholds;
  readonly systemTags: string[];
  readonly summaryTrendStats: string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly setupTimeout: string;
  readonly userAgent: string;
}

/**
 * The plan of a run. The baseline run is what the degradation gate compares the peak with, endpoint
 * by endpoint, and an endpoint with fewer than `degradationMinRequests` baseline requests cannot be
 * judged; so a baseline asked to be shorter than that takes (K6_PROFILE_DURATION, or low baseline
 * rates against the default length) runs for as long as it takes instead: at its rates, never faster,
 * because a faster baseline would no longer be the 1x that peak is ten times of.
 */
export function planFor(profile: ProfileName, env: ScenarioEnv): LoadPlan {
  const steps = profile === 'capacity' ? stepsFor(env) : undefined;
  const plan = (durationSeconds: number | undefined) =>
    planLoad({
      profile,
      baselineRates: env.baselineRates,
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      thinkTimeScale: env.thinkTimeScale,
      ...(steps ? { steps } : {}),
    });
  const asked = plan(env.durationSeconds);
  if (profile !== 'baseline') return asked;
  const needed = evidenceSeconds(env.baselineRates, successCriteria.degradationMinRequests);
  return needed > asked.durationSeconds ? plan(needed) : asked;
}

/**
 * The capacity run's steps. Its top rate is the user's to allow: against anything but this machine
 * (a shared staging project) the run refuses to start without K6_MAX_RATE, whatever engine runs it.
 */
function stepsFor(env: ScenarioEnv): CapacityStep[] {
  const shape = profiles.capacity.shape;
  if (shape.kind !== 'steps') throw new Error('the capacity profile has no steps');
  if (env.maxRate === undefined && !isLoopback(env.apiUrl))
    throw new ScenarioEnvError(
      'K6_MAX_RATE',
      `the capacity profile steps the load up to ${shape.maxMultiplier}x the baseline unless told otherwise; against ${env.apiUrl} (not this machine) give the highest multiple it may reach, e.g. K6_MAX_RATE=20 (npm run load -- capacity --max-rate 20)`,
    );
  if (env.maxRate !== undefined && env.maxRate < shape.fromMultiplier)
    throw new ScenarioEnvError(
      'K6_MAX_RATE',
      `the capacity profile starts at the ${shape.fromMultiplier}x target; expected at least ${shape.fromMultiplier}, got ${env.maxRate}`,
    );
  return capacitySteps(shape, env.baselineRates, (rates) => perSecond(plannedRequests(rates)), {
    ...(env.maxRate !== undefined ? { maxMultiplier: env.maxRate } : {}),
    ...(env.stepSeconds !== undefined ? { stepSeconds: env.stepSeconds } : {}),
    ...(env.durationSeconds !== undefined ? { budgetSeconds: env.durationSeconds } : {}),
  });
}

function isLoopback(url: string): boolean {
  const host = /^https?:\/\/(\[[^\]]+\]|[^/:]+)/.exec(url)?.[1] ?? '';
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function perSecond(perMinute: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(perMinute).map(([k, v]) => [k, v / 60]));
}

/**
 * The shortest baseline length, in whole seconds, at which every endpoint the rates send gets at
 * least `minRequests` planned requests (scenarios/lib/endpoints.ts plannedRequests).
 * @example evidenceSeconds(defaultBaselineRates, 20) // 195: 20 postbacks at 6 a minute
 */
export function evidenceSeconds(baselineRates: JourneyRates, minRequests: number): number {
  const sent = Object.keys(
    plannedRequests(
      Object.fromEntries(journeyNames.map((j) => [j, baselineRates[j] > 0 ? 1 : 0])) as Record<JourneyName, number>,
    ),
  );
  const enough = (seconds: number) => {
    const planned = plannedRequests(
      planLoad({ profile: 'baseline', baselineRates, durationSeconds: seconds }).scheduledIterations,
    );
    return sent.every((endpoint) => (planned[endpoint] ?? 0) >= minRequests);
  };
  // Planned requests only grow with the length: double to a long-enough length, then bisect.
  let high = 1;
  while (!enough(high)) high *= 2;
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (enough(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The sentence `npm run load` prints when the baseline runs longer than it was asked to, naming the
 * endpoint that needed it; undefined when it runs as asked.
 */
export function lengthenedNote(plan: LoadPlan, askedSeconds: number | undefined): string | undefined {
  const asked =
    askedSeconds ?? (plan.profile.shape.kind === 'constant' ? plan.profile.shape.seconds : plan.durationSeconds);
  if (plan.durationSeconds <= asked) return undefined;
  const shortOf = plannedRequests(
    planLoad({ profile: plan.profile.name, baselineRates: plan.baseRates, durationSeconds: asked }).scheduledIterations,
  );
  const [fewest, count] = Object.entries(shortOf).sort((a, b) => a[1] - b[1])[0] ?? ['(none)', 0];
  return (
    `${plan.profile.name}: ${plan.durationSeconds} s instead of ${asked} s, so every endpoint gets the ${successCriteria.degradationMinRequests} requests ` +
    `the degradation gate needs to judge it (in ${asked} s ${fewest} would get ${count})`
  );
}

/** `engine` names the program in the User-Agent, so the target's logs tell k6 and the kit's engine apart. */
export function buildOptions(plan: LoadPlan, criteria: SuccessCriteria, engine: 'k6' | 'kit-engine'): PlainOptions {
  return {
    scenarios: plan.scenarios,
    thresholds: buildThresholds(plan, criteria),
    systemTags: [...SYSTEM_TAGS],
    summaryTrendStats: [...SUMMARY_TREND_STATS],
    tags: { profile: plan.profile.name },
    setupTimeout: '60s',
    userAgent: `aclue-signoff-kit (${engine})`,
  };
}
