/** Every journey by the name of the scenario that executes it (model/profiles.ts journeyNames). */
import type { JourneyName } from '../../model/profiles.ts';
import type { Journey } from '../lib/runtime.ts';
import { anonymousBrowser } from './anonymous-browser.ts';
import { networkPostback } from './network-postback.ts';
import { returningUser } from './returning-user.ts';
import { rlsProbe } from './rls-probe.ts';
import { swipingUser } from './swiping-user.ts';

export const journeys: Readonly<Record<JourneyName, Journey>> = {
  swipingUser,
  returningUser,
  anonymousBrowser,
  networkPostback,
  rlsProbe,
};
