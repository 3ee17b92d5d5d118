/**
 * One user's simulated history: sessions of swipes driven by the planted tiers, product views after
 * likes, affiliate clicks, conversions (with the planted edge cases), recommendations with feedback
 * and session analytics. Rows are handed to a sink session by session, parents first; nothing is
 * kept per user beyond counters, so memory does not grow with the amount of history.
 *
 * One function per entity, each taking an options object, under seed/simulate/: session.ts (the
 * session row, and the loop over its swipes), swipe.ts, view.ts, click.ts, conversion.ts (and the
 * orphan conversions), recommendation.ts (with feedback), analytics.ts; what they share is in
 * context.ts. Every number that shapes the data comes from model/behaviour.ts.
 */
import { behaviour } from '../model/behaviour.ts';
import { boundedLognormal, HOUR, IdCounters, type Sink, type UserContext } from './simulate/context.ts';
import { simulateSession } from './simulate/session.ts';
import type { UserPlan, World } from './world.ts';

export type { Sink } from './simulate/context.ts';
export { orphanConversions } from './simulate/conversion.ts';

const SESSIONS = behaviour.sessionsPerUser.value;
const FIRST_SESSION = behaviour.firstSessionDelayHours.value;

export interface UserSummary {
  readonly swipes: number;
  readonly likes: number;
}

/**
 * The user's whole history, into the sink. The user's stream (`user`, [user], `sessions`) draws the
 * session count, the device, operating system and browser, and the delay to the first session.
 */
export function simulateUser(world: World, plan: UserPlan, runId: string, sink: Sink): UserSummary {
  const rng = world.keyed.stream('user', [plan.index], 'sessions');
  const sessions = boundedLognormal(rng, SESSIONS);
  const device = rng.pick(behaviour.deviceMix.value);
  const operatingSystem = rng.pick(behaviour.operatingSystems.value[device]);
  const browser = rng.pick(behaviour.browserMix.value);
  const user: UserContext = { world, plan, runId, sink, ids: new IdCounters(), device, operatingSystem, browser };
  let startsAt = plan.signupMs + rng.lognormal(FIRST_SESSION.median * HOUR, FIRST_SESSION.sigma);
  let swipes = 0;
  let likes = 0;
  for (let index = 0; index < sessions; index++) {
    const session = simulateSession({ user, index, startsAt });
    swipes += session.tally.swipes;
    likes += session.tally.likes;
    startsAt = session.nextAt;
  }
  return { swipes, likes };
}
