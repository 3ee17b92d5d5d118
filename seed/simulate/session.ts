/**
 * One swipe session: its swipes, each like's product view and affiliate click, the session row,
 * the recommendations of a completed session and the session's analytics row.
 *
 * Must know: rows reach the sink parents first, as they always have: the session row (made after
 * its swipes, since it counts them) before the swipes, then the recommendations with their
 * feedback, the views, the clicks and the analytics row; so swipes, views and clicks wait in the
 * session's lists. Truth rows (clicks, conversions) go to the sink as they are made.
 */
import { behaviour } from '../../model/behaviour.ts';
import type { AffiliateClickRow, EpochMs, ProductViewRow, SwipeInteractionRow } from '../tables.ts';
import { uuid7, uuidText } from '../uuid.ts';
import { SessionTally, simulateSessionAnalytics } from './analytics.ts';
import { simulateClick } from './click.ts';
import { boundedLognormal, HOUR, SECOND, type SessionContext, type UserContext } from './context.ts';
import { simulateRecommendations } from './recommendation.ts';
import { simulateSwipe } from './swipe.ts';
import { simulateView } from './view.ts';

const SWIPES = behaviour.swipesPerSession.value;
const COMPLETION = behaviour.sessionCompletionRate.value;
const END_DELAY = behaviour.sessionEndDelaySeconds.value;
const OCCASIONS = behaviour.occasions.value;
const BUDGET = behaviour.sessionBudgetCents.value;
const GAP = behaviour.sessionGapHours.value;

export interface SessionOptions {
  readonly user: UserContext;
  /** The session's index among the user's sessions (0-based). */
  readonly index: number;
  readonly startsAt: EpochMs;
}

export interface SessionSummary {
  readonly tally: SessionTally;
  /** When the user's next session starts (`sessionGapHours` after this one ends). */
  readonly nextAt: EpochMs;
}

/** Runs one session and hands all its rows to the sink. */
export function simulateSession({ user, index, startsAt }: SessionOptions): SessionSummary {
  const { plan, sink } = user;
  const rng = user.world.keyed.stream('session', [plan.index, index], 'swipes');
  const id = uuid7(plan.signupMs, user.ids.session++, rng);
  const session: SessionContext = { user, index, id, idText: uuidText(id), rng };
  const tally = new SessionTally();
  tally.swipes = boundedLognormal(rng, SWIPES);
  const startedAt = Math.floor(startsAt);
  let now = startedAt;
  const swipes: SwipeInteractionRow[] = [];
  const views: ProductViewRow[] = [];
  const clicks: AffiliateClickRow[] = [];

  for (let i = 0; i < tally.swipes; i++) {
    const swipe = simulateSwipe({ session, after: now });
    swipes.push(swipe.row);
    now = swipe.row.swipe_timestamp;
    if (!swipe.liked) continue;
    tally.likes++;
    const view = simulateView({ session, product: swipe.product, likedAt: now, position: i + 1 });
    if (view === null) continue;
    views.push(view);
    tally.views++;
    if (!view.has_clicked_affiliate) continue;
    const clickAt = view.view_timestamp + view.view_duration_seconds * SECOND;
    const click = simulateClick({ session, product: swipe.product, at: clickAt });
    for (const row of click.rows) clicks.push(row);
    tally.clicks += click.rows.length;
    const conversion = click.conversion;
    if (conversion !== null) {
      if (tally.convertedAt === null || conversion.at < tally.convertedAt) tally.convertedAt = conversion.at;
      tally.conversionValue += conversion.amount;
    }
    now = Math.max(now, clickAt);
  }

  const completed = rng.chance(COMPLETION);
  const endedAt = now + END_DELAY.min * SECOND + rng.int((END_DELAY.max - END_DELAY.min) * SECOND);
  const budgetMin = rng.pick(BUDGET.min);
  // The session row first: its children (swipes) follow it.
  sink.row('swipeSessions', {
    id,
    user_id: plan.id,
    session_type: 'discovery',
    occasion: rng.pick(OCCASIONS),
    budget_min: budgetMin,
    budget_max: budgetMin + rng.pick(BUDGET.span),
    started_at: startedAt,
    completed_at: completed ? endedAt : null,
    total_swipes: tally.swipes,
    is_completed: completed,
  });
  for (const row of swipes) sink.row('swipeInteractions', row);
  if (completed) tally.recommendations = simulateRecommendations({ session, endedAt });
  for (const row of views) sink.row('productViews', row);
  for (const row of clicks) sink.row('affiliateClicks', row);
  simulateSessionAnalytics({ session, tally, startedAt, endedAt, completed });
  return { tally, nextAt: endedAt + rng.lognormal(GAP.median * HOUR, GAP.sigma) };
}
