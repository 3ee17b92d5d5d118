/**
 * The `session_analytics` row of a swipe session: its counters, its first conversion and its
 * device, as the app's analytics would have summed them.
 */
import { behaviour } from '../../model/behaviour.ts';
import type { EpochMs, Units } from '../tables.ts';
import { uuid7 } from '../uuid.ts';
import { clampInt, SECOND, type SessionContext } from './context.ts';

const BOUNCE_BELOW = behaviour.bounceBelowSwipes.value;
const FULL_ENGAGEMENT = behaviour.engagementFullSwipes.value;

/** What happened in a session, counted as it runs. */
export class SessionTally {
  swipes = 0;
  likes = 0;
  views = 0;
  clicks = 0;
  recommendations = 0;
  /** The earliest conversion recorded on one of the session's clicks. */
  convertedAt: EpochMs | null = null;
  /** Cents: the order values of the conversions recorded on its clicks. */
  conversionValue: Units = 0;
}

export interface AnalyticsOptions {
  readonly session: SessionContext;
  readonly tally: SessionTally;
  readonly startedAt: EpochMs;
  readonly endedAt: EpochMs;
  /** Whether the session reached its recommendations. */
  readonly completed: boolean;
}

/** Hands the session's analytics row to the sink. Draws its id from the session stream. */
export function simulateSessionAnalytics({ session, tally, startedAt, endedAt, completed }: AnalyticsOptions): void {
  const { user } = session;
  const converted = tally.convertedAt !== null;
  user.sink.row('sessionAnalytics', {
    // Counter: the session's index (one analytics row per session).
    id: uuid7(user.plan.signupMs, session.index, session.rng),
    session_id: session.idText,
    user_id: user.plan.id,
    started_at: startedAt,
    ended_at: endedAt,
    duration_seconds: Math.round((endedAt - startedAt) / SECOND),
    last_activity_at: endedAt,
    landing_page: '/discover',
    exit_page: completed ? '/recommendations' : '/discover',
    // The landing page, one per product view, and the recommendations page.
    pages_viewed: 1 + tally.views + (completed ? 1 : 0),
    total_clicks: tally.swipes + tally.clicks,
    total_swipes: tally.swipes,
    products_viewed: tally.views,
    recommendations_viewed: tally.recommendations,
    affiliate_clicks: tally.clicks,
    has_converted: converted,
    conversion_timestamp: tally.convertedAt,
    conversion_value: converted ? tally.conversionValue : null,
    device_type: user.device,
    browser: user.browser,
    operating_system: user.operatingSystem,
    is_bounce: tally.swipes < BOUNCE_BELOW,
    is_active: false,
    // Hundredths: min(1, swipes / engagementFullSwipes).
    engagement_score: clampInt(Math.min(1, tally.swipes / FULL_ENGAGEMENT) * 100, 0, 100),
    created_at: startedAt,
    updated_at: endedAt,
  });
}
