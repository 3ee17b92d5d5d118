/**
 * The profile this k6 process runs, chosen by the entry script (`defineRun('peak')`) and read by the
 * journeys (think time) and by handleSummary (scheduled iterations).
 */
import type { LoadPlan, ProfileName } from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { env } from './context.ts';
import { buildOptions, planFor, type PlainOptions } from './options.ts';

// A live binding: set once in the init context by the entry script, before any iteration reads it.
export let plan: LoadPlan;

export function defineRun(profile: ProfileName): PlainOptions {
  plan = planFor(profile, env);
  return buildOptions(plan, successCriteria);
}
