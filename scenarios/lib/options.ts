/**
 * The k6 options of an entry script, as plain data: the profile's scenarios, the thresholds, and
 * the tags and trend statistics the reports rely on. Pure; the entry scripts type it as k6 `Options`.
 */
import { planLoad, type LoadPlan, type ProfileName } from '../../model/profiles.ts';
import type { SuccessCriteria } from '../../model/slo.ts';
import type { ScenarioEnv } from './env.ts';
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

export function planFor(profile: ProfileName, env: ScenarioEnv): LoadPlan {
  return planLoad({
    profile,
    baselineRates: env.baselineRates,
    ...(env.durationSeconds !== undefined ? { durationSeconds: env.durationSeconds } : {}),
    thinkTimeScale: env.thinkTimeScale,
  });
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
