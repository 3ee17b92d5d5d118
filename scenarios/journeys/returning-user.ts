/**
 * A user coming back for their recommendations: reads them and their own statistics, reacts to a
 * recommendation, and sometimes shares a gift link.
 */

import { seededRandom } from '../../model/prng.ts';
import { journeyBehaviour } from '../../model/profiles.ts';
import { createGiftLink } from '../actions/create-gift-link.ts';
import { getStatistics } from '../actions/get-statistics.ts';
import { listRecommendations } from '../actions/list-recommendations.ts';
import { sendRecommendationInteraction } from '../actions/send-recommendation-interaction.ts';
import { iterationSeed, takesShare, userIndex } from '../lib/mix.ts';
import type { Iteration } from '../lib/runtime.ts';
import { think } from '../lib/think.ts';

/** Feedback actions the API accepts (recommendation_feedback's value set), most common first. */
const INTERACTIONS = ['view_details', 'click', 'like', 'save'] as const;

export async function returningUser({ rt, world, number }: Iteration): Promise<void> {
  const random = seededRandom(iterationSeed('returningUser', number));
  const caller = { rt, target: world.target, user: world.users[userIndex(number, world.users.length)]! };

  const recommendations = await listRecommendations(caller, journeyBehaviour.recommendationLimit);
  await getStatistics(caller);
  await think(rt, random, world.plan.thinkSeconds);
  const first = recommendations[0];
  if (first) await sendRecommendationInteraction(caller, first.id, INTERACTIONS[number % INTERACTIONS.length]!);
  if (takesShare(number, journeyBehaviour.giftLinkShare)) {
    await think(rt, random, world.plan.thinkSeconds);
    const picks = recommendations.slice(0, 3).flatMap((r) => (r.productId ? [r.productId] : []));
    const productIds = picks.length > 0 ? picks : [world.products[number % world.products.length]!.id];
    await createGiftLink(caller, productIds, 'Gift ideas');
  }
}
