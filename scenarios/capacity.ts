/**
 * k6 run scenarios/capacity.ts: the 'capacity' profile of model/profiles.ts against the target in K6_API_URL
 * (default: the local stack) with the users of the seed manifest (K6_MANIFEST). docs/load.md.
 */
import type { Options } from 'k6/options';
import { defineRun } from './k6/run.ts';

export const options: Options = defineRun('capacity');

export {
  anonymousBrowser,
  handleSummary,
  networkPostback,
  returningUser,
  rlsProbe,
  setup,
  swipingUser,
} from './k6/entry.ts';
