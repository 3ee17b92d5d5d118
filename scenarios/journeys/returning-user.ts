/**
 * A user coming back for their recommendations: reads them and their own statistics, reacts to a
 * recommendation, and sometimes shares a gift link.
 */
import exec from 'k6/execution';
import { journeyBehaviour } from '../../model/profiles.ts';
import { createGiftLink } from '../actions/create-gift-link.ts';
import { getStatistics } from '../actions/get-statistics.ts';
import { listRecommendations } from '../actions/list-recommendations.ts';
import { sendRecommendationInteraction } from '../actions/send-recommendation-interaction.ts';
import { products, target, users } from '../lib/context.ts';
import { iterationSeed, takesShare, userIndex } from '../lib/mix.ts';
import { seededRandom } from '../../model/prng.ts';
import { plan } from '../lib/run.ts';
import { think } from '../lib/think.ts';

/** Feedback actions the API accepts (recommendation_feedback's value set), most common first. */
const INTERACTIONS = ['view_details', 'click', 'like', 'save'] as const;

export function returningUser(): void {
  const iteration = exec.scenario.iterationInTest;
  const random = seededRandom(iterationSeed('returningUser', iteration));
  const user = users[userIndex(iteration, users.length)]!;
  const caller = { target, user };

  const recommendations = listRecommendations(caller, journeyBehaviour.recommendationLimit);
  getStatistics(caller);
  think(random, plan.thinkSeconds);
  const first = recommendations[0];
  if (first) sendRecommendationInteraction(caller, first.id, INTERACTIONS[iteration % INTERACTIONS.length]!);
  if (takesShare(iteration, journeyBehaviour.giftLinkShare)) {
    think(random, plan.thinkSeconds);
    const picks = recommendations.slice(0, 3).flatMap((r) => (r.productId ? [r.productId] : []));
    const productIds = picks.length > 0 ? picks : [products[iteration % products.length]!.id];
    createGiftLink(caller, productIds, 'Gift ideas');
  }
}
