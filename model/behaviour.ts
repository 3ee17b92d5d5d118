/**
 * The planted behaviour model of the seed, as typed data.
 *
 * Must know: runtime-neutral (no node:* or k6 imports) because the seed (Node), verify (Node) and
 * the scenarios (k6) may all read it. Every parameter carries its unit and where its value comes
 * from: a public study (listed once in docs/seed.md, "Sources") or "assumption" where none gives
 * the number. Changing a value here changes the generated rows: bump `MODEL_VERSION`.
 */

export const MODEL_VERSION = 'behaviour-v1';

export interface Parameter<T = number> {
  readonly value: T;
  readonly unit: string;
  readonly source: string;
}

const p = <T>(value: T, unit: string, source: string): Parameter<T> => ({ value, unit, source });

/** The ten category slugs the Aclue schema seeds, in sort order (github.com/griffin1995/aclue, database/schema.sql). */
export const categorySlugs = [
  'electronics',
  'fashion',
  'home-garden',
  'books-media',
  'health-beauty',
  'sports-outdoors',
  'food-drink',
  'toys-games',
  'art-crafts',
  'experiences',
] as const;
export type CategorySlug = (typeof categorySlugs)[number];

/** Names and descriptions as the Aclue seed script writes them (used only if a slug is missing). */
export const categoryNames: Record<CategorySlug, { name: string; description: string; sortOrder: number }> = {
  electronics: { name: 'Electronics', description: 'Gadgets, devices, and tech accessories', sortOrder: 1 },
  fashion: { name: 'Fashion', description: 'Clothing, shoes, and accessories', sortOrder: 2 },
  'home-garden': { name: 'Home & Garden', description: 'Home decor, furniture, and garden items', sortOrder: 3 },
  'books-media': { name: 'Books & Media', description: 'Books, movies, music, and games', sortOrder: 4 },
  'health-beauty': { name: 'Health & Beauty', description: 'Skincare, makeup, and wellness products', sortOrder: 5 },
  'sports-outdoors': { name: 'Sports & Outdoors', description: 'Fitness equipment and outdoor gear', sortOrder: 6 },
  'food-drink': { name: 'Food & Drink', description: 'Gourmet foods, beverages, and kitchen items', sortOrder: 7 },
  'toys-games': { name: 'Toys & Games', description: 'Toys, board games, and educational items', sortOrder: 8 },
  'art-crafts': { name: 'Art & Crafts', description: 'Art supplies, handmade items, and DIY kits', sortOrder: 9 },
  experiences: { name: 'Experience Gifts', description: 'Classes, events, and memorable experiences', sortOrder: 10 },
};

export type Tier = 'love' | 'neutral' | 'dislike';

/** The schema's value sets for the columns the model chooses (CHECKs in db/migrations/0011_deployment_tables.sql). */
export type DeviceType = 'mobile' | 'tablet' | 'desktop';
export type FeedbackAction =
  | 'like'
  | 'dislike'
  | 'love'
  | 'not_interested'
  | 'click'
  | 'purchase'
  | 'ignore'
  | 'report'
  | 'share'
  | 'save'
  | 'view_details';

/** One feedback outcome: chosen when a uniform draw u in [0, 1) is below `below` (and no earlier entry's). */
export interface FeedbackChoice {
  readonly action: FeedbackAction;
  /** feedback_value in hundredths (100 = 1.0). */
  readonly value: number;
  readonly below: number;
}

/** A lognormal draw rounded and clamped: round(median × e^(sigma × N(0,1))) within [min, max]. */
export interface BoundedLognormal {
  readonly median: number;
  readonly sigma: number;
  readonly min: number;
  readonly max: number;
}

/**
 * User archetypes: each names the categories it tends to love and to feel neutral about; the rest
 * are disliked. A user takes the archetype's tiers and then, with `tierSwapProbability`, swaps one
 * love/neutral category with a random other one (per-user noise), so users of one archetype are
 * similar but not identical (RecSim's user types with noise, arXiv:1909.04847).
 */
export interface Archetype {
  readonly id: string;
  readonly weight: number;
  readonly love: readonly CategorySlug[];
  readonly neutral: readonly CategorySlug[];
}

export const archetypes: readonly Archetype[] = [
  {
    id: 'techie',
    weight: 0.2,
    love: ['electronics', 'books-media', 'toys-games'],
    neutral: ['sports-outdoors', 'experiences', 'food-drink'],
  },
  {
    id: 'stylist',
    weight: 0.18,
    love: ['fashion', 'health-beauty', 'art-crafts'],
    neutral: ['home-garden', 'experiences', 'books-media'],
  },
  {
    id: 'homebody',
    weight: 0.16,
    love: ['home-garden', 'food-drink', 'books-media'],
    neutral: ['art-crafts', 'health-beauty', 'toys-games'],
  },
  {
    id: 'adventurer',
    weight: 0.16,
    love: ['sports-outdoors', 'experiences', 'electronics'],
    neutral: ['fashion', 'food-drink', 'health-beauty'],
  },
  {
    id: 'family',
    weight: 0.15,
    love: ['toys-games', 'food-drink', 'home-garden'],
    neutral: ['books-media', 'art-crafts', 'sports-outdoors'],
  },
  {
    id: 'creative',
    weight: 0.15,
    love: ['art-crafts', 'experiences', 'fashion'],
    neutral: ['books-media', 'home-garden', 'electronics'],
  },
];

export const behaviour = {
  usersPerScale: p(1000, 'users per unit of --scale', 'kit convention: scale 1 ≈ 1,000 users (docs/seed.md)'),
  productsPerScale: p(
    400,
    'products per unit of --scale (minimum 200)',
    'assumption: catalogue large enough for a long tail',
  ),
  minProducts: p(200, 'products', 'assumption'),
  zipfExponent: p(1.0, 'Zipf s (popularity ∝ 1/rank^s)', 'long-tail popularity, s≈1 (docs/seed.md, Sources)'),
  productPriceCents: p(
    { median: 3500, sigma: 0.8, min: 199, max: 9_999_999 } satisfies BoundedLognormal,
    'product price in cents, lognormal, clamped',
    'assumption: a gift catalogue around $35 with a long upper tail',
  ),
  affiliateNetworks: p(
    ['amazon', 'awin', 'cj', 'impact'] as const,
    'affiliate network per product, uniform choice',
    'assumption: four common affiliate networks, evenly split',
  ),
  productRatingHundredths: p(
    { min: 300, max: 499 },
    'product rating in hundredths of a star, spread evenly over products by index',
    'assumption (cosmetic: no gate reads ratings)',
  ),
  reviewsOfTopProduct: p(
    2000,
    'review_count of the most popular product; the others ∝ their popularity weight',
    'assumption: reviews follow popularity (zipfExponent)',
  ),
  catalogueLeadDays: p(
    30,
    'days before the simulated history that products are created',
    'assumption: the catalogue exists before its first users',
  ),
  signupSpacingSeconds: p(
    20,
    "seconds between consecutive users' signups, in index order, plus up to as much again of jitter",
    'kit choice: signups in index order keep user ids in index order (seed/uuid.ts)',
  ),
  premiumEveryNthUser: p(10, 'every Nth user by index is premium (10 → 10 %)', 'assumption (cosmetic)'),
  marketingConsentEveryNthUser: p(
    3,
    'every Nth user by index gave marketing consent (3 → 33 %)',
    'assumption (cosmetic)',
  ),
  tierSwapProbability: p(0.3, 'probability per user', 'assumption: size of the per-user noise'),
  likeProbability: p(
    { love: 0.7, neutral: 0.3, dislike: 0.07 } as Record<Tier, number>,
    'P(right or up) per swipe',
    'assumption; like rates vary widely (arXiv:1607.01952)',
  ),
  maxLikeProbability: p(
    0.97,
    'ceiling on P(like) after the liberal factor',
    'assumption: even the most liberal swiper passes on some cards',
  ),
  superLikeShare: p(
    { love: 0.15, neutral: 0.05, dislike: 0.0 } as Record<Tier, number>,
    'share of likes stored as up',
    'assumption',
  ),
  preferenceStrength: p(
    { up: 95, right: 80, left: 20 },
    'swipe_interactions.preference_strength per swipe direction, in hundredths (95 = 0.95)',
    'assumption: stronger for a super like, weak for a pass',
  ),
  liberalFactorBeta: p(
    { alpha: 8, beta: 8, offset: 0.5 },
    'Beta(α,β); factor = offset + value → mean 1.0, range 0.5–1.5',
    'liberal vs selective swipers (arXiv:1607.01952); Beta assumed',
  ),
  sessionsPerUser: p(
    { median: 3.2, sigma: 0.55, min: 1, max: 20 } satisfies BoundedLognormal,
    'sessions, lognormal',
    'assumption: no public figure for gift swiping',
  ),
  deviceMix: p(
    ['mobile', 'mobile', 'mobile', 'desktop', 'tablet'] as const satisfies readonly DeviceType[],
    "a user's device, uniform choice from the list (mobile 3 in 5)",
    'assumption: a mobile-first swiping app',
  ),
  browserMix: p(
    ['Safari', 'Chrome', 'Chrome', 'Firefox', 'Edge'] as const,
    "a user's browser, uniform choice from the list",
    'assumption (cosmetic: no gate reads it)',
  ),
  operatingSystems: p(
    {
      mobile: ['iOS', 'Android'],
      desktop: ['Windows', 'macOS', 'Linux'],
      tablet: ['iPadOS', 'Android'],
    } as const satisfies Record<DeviceType, readonly string[]>,
    "a user's operating system, uniform choice from its device's list",
    'assumption (cosmetic: no gate reads it)',
  ),
  firstSessionDelayHours: p(
    { median: 2, sigma: 1.0 },
    'hours from signup to the first session, lognormal',
    'lognormal as sessionGapHours (arXiv:1003.5325); median assumed',
  ),
  swipesPerSession: p(
    { median: 15, sigma: 0.7, min: 3, max: 120 } satisfies BoundedLognormal,
    'swipes, lognormal',
    'lognormal (arXiv:1003.5325); median assumed',
  ),
  swipeGapSeconds: p(
    { median: 6, sigma: 0.6, min: 1 },
    'seconds between swipes, lognormal, at least min',
    'lognormal (arXiv:1003.5325); median assumed',
  ),
  swipeDwellSeconds: p(
    { median: 4, sigma: 0.7, min: 1, max: 600 } satisfies BoundedLognormal,
    'swipe_interactions.time_spent_seconds, lognormal',
    'lognormal like swipeGapSeconds (arXiv:1003.5325); median and bounds assumed',
  ),
  sessionCompletionRate: p(
    0.9,
    'P(a session reaches its recommendations: is_completed)',
    'assumption: most swipe sessions run to the end',
  ),
  sessionEndDelaySeconds: p(
    { min: 2, max: 10 },
    "seconds from a session's last swipe or click to its end, uniform",
    'assumption',
  ),
  sessionGapHours: p(
    { median: 40, sigma: 1.0 },
    'hours between sessions, lognormal',
    'lognormal (arXiv:1003.5325); median assumed',
  ),
  occasions: p(
    ['birthday', 'christmas', 'anniversary', 'wedding', 'graduation', 'just_because'] as const,
    'swipe_sessions.occasion, uniform choice',
    'assumption: common gift occasions (cosmetic: no gate reads them)',
  ),
  sessionBudgetCents: p(
    { min: [0, 1000, 2500, 5000], span: [2500, 5000, 10000, 20000] },
    'budget_min, and budget_max − budget_min, in cents: each a uniform choice from its list',
    'assumption (cosmetic: no gate reads budgets)',
  ),
  bounceBelowSwipes: p(
    3,
    'a session with fewer swipes is a bounce (session_analytics.is_bounce)',
    'assumption; never reached while swipesPerSession.min is 3',
  ),
  engagementFullSwipes: p(
    40,
    'swipes in a session for an engagement_score of 1 (the score is min(1, swipes / this))',
    'assumption',
  ),
  exposurePopularityExponent: p(
    0.6,
    'exponent on Zipf weights when choosing the card shown',
    'popularity-driven views (arXiv:1808.00720); exponent assumed',
  ),
  viewAfterLike: p(0.45, 'P(product view | like)', 'assumption'),
  viewDelaySeconds: p({ min: 1, max: 4 }, 'seconds from a like to its product view, uniform', 'assumption'),
  viewDurationSeconds: p(
    { median: 20, sigma: 0.8, min: 1, max: 1800 } satisfies BoundedLognormal,
    'product_views.view_duration_seconds, lognormal; the click (if any) follows the view by this',
    'lognormal (arXiv:1003.5325); median and bounds assumed',
  ),
  affiliateClickPerView: p(0.15, 'P(affiliate click | view after like)', 'assumption: no public rate for this step'),
  duplicateClickRate: p(
    0.02,
    'P(second identical click within 30 s | click)',
    'assumption: planted to test de-duplication',
  ),
  duplicateClickDelaySeconds: p(
    { min: 1, max: 30 },
    'seconds from a click to its planted double tap, uniform',
    'assumption: a double tap (docs/seed.md)',
  ),
  conversionRate: p(0.04, 'P(conversion | click)', 'e-commerce conversion ≈2–3% (docs/seed.md, Sources)'),
  conversionDelayHours: p(
    { median: 2, sigma: 1.6 },
    'hours from click to conversion, lognormal (~80% within 24 h)',
    "assumption, inside Amazon Associates' 24 h window",
  ),
  conversionDelayLimits: p(
    { minMinutes: 1, windowMarginHours: 1 },
    'shortest click-to-conversion delay; how far inside the attribution window an in-window conversion stays',
    'assumption: keeps every in-window conversion strictly inside the window',
  ),
  attributionWindowDays: p(30, 'days', 'Awin click cookies: 30 days (docs/seed.md, Sources)'),
  lateConversionShare: p(
    0.05,
    'share of conversions planted after the window',
    'assumption: planted edge case (docs/seed.md)',
  ),
  lateConversionDelayDays: p(
    { min: 1, max: 10 },
    "whole days after the window's end that a late conversion lands, uniform",
    'assumption: planted edge case (docs/seed.md)',
  ),
  reversalRate: p(0.1, 'P(conversion later reversed)', 'assumption; networks reject refunds (docs/seed.md, Sources)'),
  duplicatePostbackRate: p(
    0.02,
    "P(a conversion's postback is delivered twice)",
    'assumption: planted to test idempotency',
  ),
  duplicatePostbackDelaySeconds: p(
    { min: 1, max: 61 },
    'seconds from a conversion to its second postback, uniform',
    'assumption: planted to test idempotency',
  ),
  orphanConversionsPerScale: p(
    5,
    'conversions with an unknown click id, per unit of scale',
    'assumption: planted edge case (docs/seed.md)',
  ),
  orphanCommissionRate: p(
    0.05,
    "an orphan conversion's commission as a share of its amount",
    "assumption: inside commissionRate's range",
  ),
  recommendationsPerSession: p(5, 'recommendations written at the end of a completed session', 'assumption'),
  recommendationDelayMs: p(500, "milliseconds from a session's end to its recommendations", 'assumption'),
  recommendationConfidence: p(
    { top: 0.95, perRank: 0.08, jitter: 0.05, min: 0.01, max: 0.9999 },
    'confidence_score = top − perRank × (rank − 1) − jitter × U[0,1), clamped to [min, max]',
    'assumption: scores fall with rank, as a ranked list would show them',
  ),
  recommendationLifetimeDays: p(7, 'days from a recommendation to its expires_at', 'assumption'),
  feedbackRate: p(0.3, 'P(feedback | recommendation)', 'assumption: public CTRs are vendor claims'),
  feedbackDelaySeconds: p(5, 'seconds from a recommendation to its feedback (and to clicked_at)', 'assumption'),
  feedbackByTier: p(
    {
      love: [
        { action: 'love', value: 100, below: 0.5 },
        { action: 'like', value: 80, below: 0.8 },
        { action: 'click', value: 50, below: 1 },
      ],
      neutral: [
        { action: 'view_details', value: 20, below: 0.5 },
        { action: 'like', value: 60, below: 0.7 },
        { action: 'ignore', value: 0, below: 1 },
      ],
      dislike: [
        { action: 'not_interested', value: -80, below: 0.6 },
        { action: 'dislike', value: -60, below: 1 },
      ],
    } as const satisfies Record<Tier, readonly FeedbackChoice[]>,
    'feedback action and value (hundredths) by the tier of the recommended category: the first entry with U[0,1) < below (cumulative)',
    'assumption: feedback follows the planted tier (docs/seed.md, "Recommendations")',
  ),
  feedbackDwellSeconds: p(
    { median: 8, sigma: 0.7, min: 0, max: 3600 } satisfies BoundedLognormal,
    'recommendation_feedback.dwell_time_seconds, lognormal',
    'lognormal (arXiv:1003.5325); median and bounds assumed',
  ),
  orderValue: p(
    { median: 45, sigma: 0.7, min: 1 },
    'order value in USD, lognormal, at least min',
    'assumption (catalogue price range)',
  ),
  commissionRate: p(
    { min: 0.01, max: 0.1 },
    'commission rate, uniform',
    'Aclue COMMISSION_RATE_DEFAULT 0.075 (docs/seed.md, Sources)',
  ),
  simulatedDays: p(60, 'days of simulated history before the reference date', 'assumption'),
  referenceDate: p(
    '2026-01-01T00:00:00.000Z',
    'ISO date: the simulated "now" (fixed for determinism)',
    'fixed refDate: fakerjs.dev/guide/usage',
  ),
  measuredUserMinSwipes: p(40, 'swipes', 'kit choice (docs/gates/preference-accuracy.md)'),
} as const;

/** Outcome classes of conversions in the truth (ownership.md contract). */
export const conversionClasses = ['attributed', 'duplicate', 'late', 'orphan', 'reversed'] as const;
export type ConversionClass = (typeof conversionClasses)[number];

/** What verify should expect for each planted class (docs/seed.md repeats this). */
export const expectedOutcome: Record<ConversionClass, string> = {
  attributed: 'counted once, attributed to expected_click_id',
  duplicate: 'a second delivery of an order already seen: collapsed, never a second conversion',
  late: 'after the attribution window: not attributed (expired)',
  orphan: 'unknown click id: surfaces as an orphan, never attributed to any click',
  reversed: 'attributed to expected_click_id, then reversed: commission 0',
};

/** Products per scale, with the floor. */
export function productCount(scale: number): number {
  return Math.max(behaviour.minProducts.value, Math.round(behaviour.productsPerScale.value * scale));
}

export function userCount(scale: number): number {
  return Math.max(1, Math.round(behaviour.usersPerScale.value * scale));
}
