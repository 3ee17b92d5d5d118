/**
 * k6 run scenarios/stress.ts: the 'stress' profile of model/profiles.ts against the target in K6_API_URL
 * (default: the local stack) with the users of the seed manifest (K6_MANIFEST). docs/load.md.
 */
import type { Options } from 'k6/options';
import { defineRun } from './k6/run.ts';

export const options: Options = defineRun('stress');

export {
  anonymousBrowser,
  handleSummary,
  networkPostback,
  returningUser,
  rlsProbe,
  setup,
  swipingUser,
} from './k6/entry.ts';
