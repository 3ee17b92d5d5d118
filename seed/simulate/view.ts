/**
 * A product view after a like: the `product_views` row (`view_source 'swipe'`, `interaction_type
 * 'detail_view'`), and whether the view leads to an affiliate click.
 */
import { behaviour } from '../../model/behaviour.ts';
import type { EpochMs, ProductViewRow } from '../tables.ts';
import { uuid7 } from '../uuid.ts';
import type { Product } from '../world.ts';
import { boundedLognormal, SECOND, type SessionContext } from './context.ts';

const VIEW_AFTER_LIKE = behaviour.viewAfterLike.value;
const DELAY = behaviour.viewDelaySeconds.value;
const DURATION = behaviour.viewDurationSeconds.value;
const CLICK = behaviour.affiliateClickPerView.value;

export interface ViewOptions {
  readonly session: SessionContext;
  /** The liked product. */
  readonly product: Product;
  /** When the like happened. */
  readonly likedAt: EpochMs;
  /** The swipe's position in the session (1-based): the view's `view_position`. */
  readonly position: number;
}

/**
 * With probability `viewAfterLike`, makes the view and returns its row (`has_clicked_affiliate`
 * says whether a click follows, `view_duration_seconds` after the view); otherwise returns null.
 * The session hands the row to the sink. Draws from the session stream.
 */
export function simulateView({ session, product, likedAt, position }: ViewOptions): ProductViewRow | null {
  const { user, rng } = session;
  if (!rng.chance(VIEW_AFTER_LIKE)) return null;
  const at = likedAt + DELAY.min * SECOND + rng.int((DELAY.max - DELAY.min) * SECOND);
  const duration = boundedLognormal(rng, DURATION);
  const clicked = rng.chance(CLICK);
  const row: ProductViewRow = {
    id: uuid7(user.plan.signupMs, user.ids.view++, rng),
    product_id: product.id,
    user_id: user.plan.id,
    session_id: session.idText,
    view_timestamp: at,
    view_source: 'swipe',
    view_position: position,
    view_duration_seconds: duration,
    interaction_type: 'detail_view',
    has_clicked_affiliate: clicked,
    device_type: user.device,
    created_at: at,
  };
  return row;
}
