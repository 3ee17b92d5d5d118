/**
 * The recommendations written at the end of a completed session (the card chosen as for a swipe, so
 * mostly from popular products), and the feedback some of them get, which follows the user's tier
 * for the product's category.
 */
import { behaviour, type FeedbackChoice, type Tier } from '../../model/behaviour.ts';
import type { Rng } from '../rng.ts';
import type { EpochMs, RecommendationRow } from '../tables.ts';
import { uuid7 } from '../uuid.ts';
import { boundedLognormal, clampInt, DAY, SECOND, type SessionContext } from './context.ts';

const PER_SESSION = behaviour.recommendationsPerSession.value;
const DELAY_MS = behaviour.recommendationDelayMs.value;
const CONFIDENCE = behaviour.recommendationConfidence.value;
const LIFETIME_MS = behaviour.recommendationLifetimeDays.value * DAY;
const FEEDBACK_RATE = behaviour.feedbackRate.value;
const FEEDBACK_DELAY_MS = behaviour.feedbackDelaySeconds.value * SECOND;
const FEEDBACK_BY_TIER: Readonly<Record<Tier, readonly FeedbackChoice[]>> = behaviour.feedbackByTier.value;
const FEEDBACK_DWELL = behaviour.feedbackDwellSeconds.value;
/** confidence_score is numeric(5,4): units of 10^-4. */
const CONFIDENCE_UNITS = 10_000;

export interface RecommendationsOptions {
  readonly session: SessionContext;
  /** When the session ended. */
  readonly endedAt: EpochMs;
}

/** Makes the session's recommendations (and their feedback); returns how many. Draws from their own stream. */
export function simulateRecommendations({ session, endedAt }: RecommendationsOptions): number {
  const { user } = session;
  const rng = user.world.keyed.stream('session', [user.plan.index, session.index], 'recommendations');
  const at = endedAt + DELAY_MS;
  for (let rank = 1; rank <= PER_SESSION; rank++) simulateRecommendation({ session, rng, rank, at });
  return PER_SESSION;
}

export interface RecommendationOptions {
  readonly session: SessionContext;
  /** The session's recommendation stream. */
  readonly rng: Rng;
  /** 1-based position in the list. */
  readonly rank: number;
  readonly at: EpochMs;
}

/** One recommendation row, and its feedback with probability `feedbackRate`. */
export function simulateRecommendation({ session, rng, rank, at }: RecommendationOptions): void {
  const { user } = session;
  const { world, plan } = user;
  const product = world.exposeProduct(rng);
  const tier = plan.tiers[product.categoryIndex]!;
  const id = uuid7(plan.signupMs, user.ids.recommendation++, rng);
  const confidence = clampInt(
    (CONFIDENCE.top - (rank - 1) * CONFIDENCE.perRank - rng.float() * CONFIDENCE.jitter) * CONFIDENCE_UNITS,
    CONFIDENCE.min * CONFIDENCE_UNITS,
    CONFIDENCE.max * CONFIDENCE_UNITS,
  );
  const feedback = rng.chance(FEEDBACK_RATE);
  const clicked = feedback && tier !== 'dislike';
  const row: RecommendationRow = {
    id,
    user_id: plan.id,
    product_id: product.id,
    session_id: session.id,
    confidence_score: confidence,
    algorithm_version: 'seed-v1',
    rank_position: rank,
    created_at: at,
    expires_at: at + LIFETIME_MS,
    is_clicked: clicked,
    clicked_at: clicked ? at + FEEDBACK_DELAY_MS : null,
  };
  user.sink.row('recommendations', row);
  if (feedback) simulateFeedback({ session, rng, recommendation: row, tier });
}

export interface FeedbackOptions {
  readonly session: SessionContext;
  /** The session's recommendation stream. */
  readonly rng: Rng;
  readonly recommendation: RecommendationRow;
  /** The user's tier for the recommended product's category. */
  readonly tier: Tier;
}

/** The feedback on one recommendation: its action and value drawn by the tier (`feedbackByTier`). */
export function simulateFeedback({ session, rng, recommendation, tier }: FeedbackOptions): void {
  const { user } = session;
  const choice = feedbackChoice(tier, rng.float());
  user.sink.row('recommendationFeedback', {
    id: uuid7(user.plan.signupMs, user.ids.feedback++, rng),
    recommendation_id: recommendation.id,
    user_id: user.plan.id,
    product_id: recommendation.product_id,
    feedback_type: choice.action === 'view_details' || choice.action === 'ignore' ? 'implicit' : 'explicit',
    feedback_action: choice.action,
    feedback_value: choice.value,
    feedback_source: 'in_app',
    session_id: session.idText,
    position_in_list: recommendation.rank_position,
    model_version: 'seed-v1',
    // numeric(3,2) from the recommendation's 10^-4 units, truncated.
    original_confidence_score: Math.floor(recommendation.confidence_score / 100),
    dwell_time_seconds: boundedLognormal(rng, FEEDBACK_DWELL),
    created_at: recommendation.created_at + FEEDBACK_DELAY_MS,
  });
}

/** The first choice of the tier whose `below` exceeds u (the last one's is 1, so one always does). */
function feedbackChoice(tier: Tier, u: number): FeedbackChoice {
  const choices = FEEDBACK_BY_TIER[tier];
  for (const choice of choices) if (u < choice.below) return choice;
  return choices[choices.length - 1]!;
}
