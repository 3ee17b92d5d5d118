/**
 * k6 run scenarios/capacity.ts: the 'capacity' profile of model/profiles.ts (the peak mix stepped up from
 * 10x) against the target in K6_API_URL (default: the local stack), never past K6_MAX_RATE times the
 * baseline, which a target other than this machine requires. docs/load.md, "The capacity profile".
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
