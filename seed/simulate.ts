/**
 * One user's simulated history: sessions of swipes driven by the planted tiers, product views after
 * likes, affiliate clicks, conversions (with the planted edge cases), recommendations with feedback
 * and session analytics. Rows are handed to a sink as they are made; nothing is kept per user
 * beyond counters, so memory does not grow with the amount of history.
 */
import { behaviour, type ConversionClass, type Tier } from '../model/behaviour.ts';
import type { PublicTableKey, TruthTableKey } from './tables.ts';
import { type Uuid, uuid7, uuidText } from './uuid.ts';
import type { Product, UserPlan, World } from './world.ts';

export interface Sink {
  row(table: PublicTableKey, row: Record<string, unknown>): void;
  truth(table: TruthTableKey, row: Record<string, unknown>): void;
}

const DEVICES = ['mobile', 'mobile', 'mobile', 'desktop', 'tablet'] as const;
const BROWSERS = ['Safari', 'Chrome', 'Chrome', 'Firefox', 'Edge'] as const;
const OSES = {
  mobile: ['iOS', 'Android'],
  desktop: ['Windows', 'macOS', 'Linux'],
  tablet: ['iPadOS', 'Android'],
} as const;
const OCCASIONS = ['birthday', 'christmas', 'anniversary', 'wedding', 'graduation', 'just_because'] as const;
const HOUR = 3_600_000;
const clampInt = (x: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(x)));

export interface UserSummary {
  readonly swipes: number;
  readonly likes: number;
}

/** Per-user counters for uuid7: one sequence per table, in the order rows are made. */
class Counters {
  session = 0;
  swipe = 0;
  view = 0;
  click = 0;
  rec = 0;
  feedback = 0;
  conversion = 0;
}

export function simulateUser(world: World, user: UserPlan, runId: string, sink: Sink): UserSummary {
  const k = world.keyed;
  const b = behaviour;
  const plan = k.stream('user', [user.index], 'sessions');
  const nSessions = clampInt(
    plan.lognormal(b.sessionsPerUser.value.median, b.sessionsPerUser.value.sigma),
    b.sessionsPerUser.value.min,
    b.sessionsPerUser.value.max,
  );
  const device = DEVICES[plan.int(DEVICES.length)]!;
  const os = plan.pick(OSES[device]);
  const browser = plan.pick(BROWSERS);
  const n = new Counters();
  let t = user.signupMs + plan.lognormal(2 * HOUR, 1.0);
  let swipes = 0;
  let likes = 0;

  for (let s = 0; s < nSessions; s++) {
    const rng = k.stream('session', [user.index, s], 'swipes');
    const sessionId = uuid7(user.signupMs, n.session++, rng);
    const sessionText = uuidText(sessionId);
    const nSwipes = clampInt(
      rng.lognormal(b.swipesPerSession.value.median, b.swipesPerSession.value.sigma),
      b.swipesPerSession.value.min,
      b.swipesPerSession.value.max,
    );
    const started = Math.floor(t);
    let now = started;
    let views = 0;
    let clicks = 0;
    let convertedAt: number | null = null;
    let conversionValue = 0;
    const pendingViews: Record<string, unknown>[] = [];
    const pendingClicks: Record<string, unknown>[] = [];

    // Swipes first (the session row must precede them in COPY order, so they are buffered by the sink).
    const swipeRows: Record<string, unknown>[] = [];
    for (let i = 0; i < nSwipes; i++) {
      now += Math.max(
        1000,
        Math.round(rng.lognormal(b.swipeGapSeconds.value.median, b.swipeGapSeconds.value.sigma) * 1000),
      );
      const product = world.exposeProduct(rng);
      const tier = user.tiers[product.categoryIndex]!;
      const liked = rng.chance(Math.min(0.97, b.likeProbability.value[tier] * user.liberal));
      const up = liked && rng.chance(b.superLikeShare.value[tier]);
      swipes++;
      if (liked) likes++;
      swipeRows.push({
        id: uuid7(user.signupMs, n.swipe++, rng),
        session_id: sessionId,
        user_id: user.id,
        product_id: product.id,
        category_id: world.categories[product.categoryIndex]!.id,
        swipe_direction: up ? 'up' : liked ? 'right' : 'left',
        swipe_timestamp: now,
        time_spent_seconds: clampInt(rng.lognormal(4, 0.7), 1, 600),
        preference_strength: up ? 95 : liked ? 80 : 20,
      });
      if (liked && rng.chance(b.viewAfterLike.value)) {
        const viewAt = now + 1000 + rng.int(3000);
        const duration = clampInt(rng.lognormal(20, 0.8), 1, 1800);
        const clicked = rng.chance(b.affiliateClickPerView.value);
        views++;
        pendingViews.push({
          id: uuid7(user.signupMs, n.view++, rng),
          product_id: product.id,
          user_id: user.id,
          session_id: sessionText,
          view_timestamp: viewAt,
          view_source: 'swipe',
          view_position: i + 1,
          view_duration_seconds: duration,
          interaction_type: 'detail_view',
          has_clicked_affiliate: clicked,
          device_type: device,
          created_at: viewAt,
        });
        if (clicked) {
          const clickAt = viewAt + duration * 1000;
          const made = clickRows(
            world,
            user,
            product,
            sessionId,
            sessionText,
            clickAt,
            device,
            n,
            runId,
            sink,
            pendingClicks,
          );
          clicks += made.clicks;
          if (made.convertedAt !== null && (convertedAt === null || made.convertedAt < convertedAt))
            convertedAt = made.convertedAt;
          conversionValue += made.value;
          now = Math.max(now, clickAt);
        }
      }
    }
    const completed = rng.chance(0.9);
    const ended = now + 2000 + rng.int(8000);
    const budgetMin = rng.pick([0, 1000, 2500, 5000]);
    sink.row('swipeSessions', {
      id: sessionId,
      user_id: user.id,
      session_type: 'discovery',
      occasion: rng.pick(OCCASIONS),
      budget_min: budgetMin * 1,
      budget_max: budgetMin + rng.pick([2500, 5000, 10000, 20000]),
      started_at: started,
      completed_at: completed ? ended : null,
      total_swipes: nSwipes,
      is_completed: completed,
    });
    for (const r of swipeRows) sink.row('swipeInteractions', r);

    // Recommendations at the end of a completed session: mostly from loved categories.
    let recsViewed = 0;
    if (completed) {
      const recRng = k.stream('session', [user.index, s], 'recommendations');
      for (let r = 0; r < b.recommendationsPerSession.value; r++) {
        const product = world.exposeProduct(recRng);
        const tier = user.tiers[product.categoryIndex]!;
        const recId = uuid7(user.signupMs, n.rec++, recRng);
        const createdAt = ended + 500;
        const confidence = clampInt((0.95 - r * 0.08 - recRng.float() * 0.05) * 10_000, 100, 9999);
        recsViewed++;
        const feedback = recRng.chance(b.feedbackRate.value);
        sink.row('recommendations', {
          id: recId,
          user_id: user.id,
          product_id: product.id,
          session_id: sessionId,
          confidence_score: confidence,
          algorithm_version: 'seed-v1',
          rank_position: r + 1,
          created_at: createdAt,
          expires_at: createdAt + 7 * 24 * HOUR,
          is_clicked: feedback && tier !== 'dislike',
          clicked_at: feedback && tier !== 'dislike' ? createdAt + 5000 : null,
        });
        if (feedback) {
          const [action, value] = feedbackFor(tier, recRng.float());
          sink.row('recommendationFeedback', {
            id: uuid7(user.signupMs, n.feedback++, recRng),
            recommendation_id: recId,
            user_id: user.id,
            product_id: product.id,
            feedback_type: action === 'view_details' || action === 'ignore' ? 'implicit' : 'explicit',
            feedback_action: action,
            feedback_value: value,
            feedback_source: 'in_app',
            session_id: sessionText,
            position_in_list: r + 1,
            model_version: 'seed-v1',
            original_confidence_score: Math.floor(confidence / 100),
            dwell_time_seconds: clampInt(recRng.lognormal(8, 0.7), 0, 3600),
            created_at: createdAt + 5000,
          });
        }
      }
    }
    for (const v of pendingViews) sink.row('productViews', v);
    for (const c of pendingClicks) sink.row('affiliateClicks', c);

    const duration = Math.round((ended - started) / 1000);
    sink.row('sessionAnalytics', {
      id: uuid7(user.signupMs, s, rng),
      session_id: sessionText,
      user_id: user.id,
      started_at: started,
      ended_at: ended,
      duration_seconds: duration,
      last_activity_at: ended,
      landing_page: '/discover',
      exit_page: completed ? '/recommendations' : '/discover',
      pages_viewed: 1 + views + (completed ? 1 : 0),
      total_clicks: nSwipes + clicks,
      total_swipes: nSwipes,
      products_viewed: views,
      recommendations_viewed: recsViewed,
      affiliate_clicks: clicks,
      has_converted: convertedAt !== null,
      conversion_timestamp: convertedAt,
      conversion_value: convertedAt !== null ? conversionValue : null,
      device_type: device,
      browser,
      operating_system: os,
      is_bounce: nSwipes < 3,
      is_active: false,
      engagement_score: clampInt(Math.min(1, nSwipes / 40) * 100, 0, 100),
      created_at: started,
      updated_at: ended,
    });
    t = ended + rng.lognormal(b.sessionGapHours.value.median * HOUR, b.sessionGapHours.value.sigma);
  }
  return { swipes, likes };
}

function feedbackFor(tier: Tier, u: number): [string, number] {
  if (tier === 'love') return u < 0.5 ? ['love', 100] : u < 0.8 ? ['like', 80] : ['click', 50];
  if (tier === 'neutral') return u < 0.5 ? ['view_details', 20] : u < 0.7 ? ['like', 60] : ['ignore', 0];
  return u < 0.6 ? ['not_interested', -80] : ['dislike', -60];
}

/**
 * One affiliate click (and a planted duplicate), with its conversion when one is planted. Conversions
 * that the app would have attributed are written on the click row, as the real schema records them;
 * late ones are not (they fall outside the window); every one is in the truth with its class.
 */
function clickRows(
  world: World,
  user: UserPlan,
  product: Product,
  sessionId: Uuid,
  sessionText: string,
  clickAt: number,
  device: string,
  n: Counters,
  runId: string,
  sink: Sink,
  out: Record<string, unknown>[],
): { clicks: number; convertedAt: number | null; value: number } {
  const b = behaviour;
  const rng = world.keyed.stream('click', [user.index, n.click], 'outcome');
  const clickId = uuid7(user.signupMs, n.click++, rng);
  const expectedCents = Math.round((product.priceCents * product.commissionRate) / 10_000);
  const url = `https://www.amazon.co.uk/dp/${product.asin}/?tag=aclue-20&linkCode=as2&creative=1633&creativeASIN=${product.asin}&subid=${uuidText(clickId)}`;
  const base = {
    user_id: user.id,
    product_id: product.id,
    session_id: sessionText,
    source_page: 'product_detail',
    device_type: device,
    affiliate_network: product.network,
    affiliate_url: url,
    commission_rate: product.commissionRate,
    expected_commission: expectedCents,
    utm_source: 'aclue',
  };
  let convertedAt: number | null = null;
  let value = 0;
  const row: Record<string, unknown> = {
    ...base,
    id: clickId,
    click_timestamp: clickAt,
    is_converted: false,
    conversion_timestamp: null,
    actual_commission: null,
    order_id: null,
    created_at: clickAt,
    updated_at: clickAt,
  };
  sink.truth('clicks', {
    run_id: runId,
    click_id: clickId,
    user_id: user.id,
    product_id: product.id,
    session_id: sessionId,
    clicked_at: clickAt,
    duplicate_of: null,
  });

  if (rng.chance(b.conversionRate.value)) {
    const windowMs = b.attributionWindowDays.value * 24 * HOUR;
    const late = rng.chance(b.lateConversionShare.value);
    const delay = late
      ? windowMs + (1 + rng.int(10)) * 24 * HOUR
      : Math.min(
          windowMs - HOUR,
          rng.lognormal(b.conversionDelayHours.value.median * HOUR, b.conversionDelayHours.value.sigma),
        );
    const at = Math.round(clickAt + Math.max(60_000, delay));
    const amount = Math.max(100, Math.round(rng.lognormal(b.orderValue.value.median * 100, b.orderValue.value.sigma)));
    const commission = Math.round((amount * product.commissionRate) / 10_000);
    const reversed = !late && rng.chance(b.reversalRate.value);
    const cls: ConversionClass = late ? 'late' : reversed ? 'reversed' : 'attributed';
    const orderId = `ORD-${world.keyed
      .hash('order', [user.index, n.conversion], 'id')
      .map((x) => x.toString(16).padStart(8, '0'))
      .join('')}`;
    const conversionId = uuid7(user.signupMs, n.conversion++, rng);
    if (!late) {
      row.is_converted = true;
      row.conversion_timestamp = at;
      row.order_id = orderId;
      row.actual_commission = reversed ? 0 : commission;
      row.updated_at = at;
      convertedAt = at;
      value = amount;
    }
    sink.truth('conversions', {
      run_id: runId,
      conversion_id: conversionId,
      order_id: orderId,
      expected_click_id: clickId,
      click_ref: uuidText(clickId),
      expected_class: cls,
      amount,
      commission: reversed ? 0 : commission,
      converted_at: at,
      recorded_on_click: !late,
    });
    if (rng.chance(b.duplicatePostbackRate.value)) {
      sink.truth('conversions', {
        run_id: runId,
        conversion_id: uuid7(user.signupMs, n.conversion++, rng),
        order_id: orderId,
        expected_click_id: clickId,
        click_ref: uuidText(clickId),
        expected_class: 'duplicate',
        amount,
        commission: reversed ? 0 : commission,
        converted_at: at + 1000 + rng.int(60_000),
        recorded_on_click: false,
      });
    }
  }
  out.push(row);
  if (!rng.chance(b.duplicateClickRate.value)) return { clicks: 1, convertedAt, value };
  // A double tap: the same click again within 30 s, never converted itself.
  const dupAt = clickAt + 1000 + rng.int(29_000);
  const dupId = uuid7(user.signupMs, n.click++, rng);
  out.push({
    ...base,
    id: dupId,
    click_timestamp: dupAt,
    is_converted: false,
    conversion_timestamp: null,
    actual_commission: null,
    order_id: null,
    created_at: dupAt,
    updated_at: dupAt,
  });
  sink.truth('clicks', {
    run_id: runId,
    click_id: dupId,
    user_id: user.id,
    product_id: product.id,
    session_id: sessionId,
    clicked_at: dupAt,
    duplicate_of: clickId,
  });
  return { clicks: 2, convertedAt, value };
}

/** Conversions whose click id the app never issued: they must surface as orphans. */
export function orphanConversions(world: World, runId: string, sink: Sink): number {
  const count = Math.max(1, Math.round(behaviour.orphanConversionsPerScale.value * world.params.scale));
  for (let i = 0; i < count; i++) {
    const rng = world.keyed.stream('orphan', [i], 'conversion');
    const at = Date.parse(behaviour.referenceDate.value) - rng.int(behaviour.simulatedDays.value * 24) * HOUR;
    // uuid7 at a time before every seeded row, so it can never equal a real click id.
    const ref = uuidText(uuid7(0, i, rng));
    const amount = Math.max(100, Math.round(rng.lognormal(4500, 0.7)));
    sink.truth('conversions', {
      run_id: runId,
      conversion_id: uuid7(at, i, rng),
      order_id: `ORD-ORPHAN-${ref.slice(-12)}`,
      expected_click_id: null,
      click_ref: ref,
      expected_class: 'orphan',
      amount,
      commission: Math.round(amount * 0.05),
      converted_at: at,
      recorded_on_click: false,
    });
  }
  return count;
}
