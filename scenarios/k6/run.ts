/**
 * The profile this k6 process runs, chosen by the entry script (`defineRun('peak')`) and read by the
 * journeys (think time) and by handleSummary (scheduled iterations).
 */
import type { LoadPlan, ProfileName } from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { buildOptions, type PlainOptions, planFor } from '../lib/options.ts';
import type { World } from '../lib/runtime.ts';
import { agedClicks, categories, env, products, target, users } from './context.ts';

// Live bindings: set once in the init context by the entry script, before any iteration reads them.
export let plan: LoadPlan;
export let world: World;

export function defineRun(profile: ProfileName): PlainOptions {
  plan = planFor(profile, env);
  world = { env, target, plan, users, products, categories, agedClicks };
  return buildOptions(plan, successCriteria, 'k6');
}
