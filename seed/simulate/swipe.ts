/**
 * One swipe: the card shown (a category uniformly, then a product by popularity: seed/world.ts
 * `exposeProduct`), whether the user likes it (their tier for its category × their liberal factor)
 * and the `swipe_interactions` row.
 */
import { behaviour } from '../../model/behaviour.ts';
import type { EpochMs, SwipeInteractionRow } from '../tables.ts';
import { uuid7 } from '../uuid.ts';
import type { Product } from '../world.ts';
import { boundedLognormal, SECOND, type SessionContext } from './context.ts';

const GAP = behaviour.swipeGapSeconds.value;
const MAX_LIKE = behaviour.maxLikeProbability.value;
const LIKE = behaviour.likeProbability.value;
const SUPER_LIKE = behaviour.superLikeShare.value;
const DWELL = behaviour.swipeDwellSeconds.value;
const STRENGTH = behaviour.preferenceStrength.value;

export interface SwipeOptions {
  readonly session: SessionContext;
  /** When the previous swipe happened (or the session started); this swipe follows by `swipeGapSeconds`. */
  readonly after: EpochMs;
}

export interface Swipe {
  readonly row: SwipeInteractionRow;
  readonly product: Product;
  /** Right or up. */
  readonly liked: boolean;
}

/** Makes one swipe; the session hands its row to the sink after the session row. Draws from the session stream. */
export function simulateSwipe({ session, after }: SwipeOptions): Swipe {
  const { user, rng } = session;
  const { world, plan } = user;
  const at = after + Math.max(GAP.min * SECOND, Math.round(rng.lognormal(GAP.median, GAP.sigma) * SECOND));
  const product = world.exposeProduct(rng);
  const tier = plan.tiers[product.categoryIndex]!;
  const liked = rng.chance(Math.min(MAX_LIKE, LIKE[tier] * plan.liberal));
  const up = liked && rng.chance(SUPER_LIKE[tier]);
  const direction = up ? 'up' : liked ? 'right' : 'left';
  const row: SwipeInteractionRow = {
    id: uuid7(plan.signupMs, user.ids.swipe++, rng),
    session_id: session.id,
    user_id: plan.id,
    product_id: product.id,
    category_id: world.categories[product.categoryIndex]!.id,
    swipe_direction: direction,
    swipe_timestamp: at,
    time_spent_seconds: boundedLognormal(rng, DWELL),
    preference_strength: STRENGTH[direction],
  };
  return { row, product, liked };
}
