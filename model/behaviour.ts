/**
 * The planted behaviour model of the seed, as typed data.
 *
 * Must know: runtime-neutral (no node:* or k6 imports) because the seed (Node), verify (Node) and
 * the scenarios (k6) may all read it. Every parameter carries its unit and where its value comes
 * from (shared reference seed-model-report-anchors.md §2.5/§2.6; "assumption" where no public
 * anchor exists). Changing a value here changes the generated rows: bump `MODEL_VERSION`.
 */

export const MODEL_VERSION = 'behaviour-v1';

export interface Parameter<T = number> {
  readonly value: T;
  readonly unit: string;
  readonly source: string;
}

const p = <T>(value: T, unit: string, source: string): Parameter<T> => ({ value, unit, source });

/** The ten category slugs the Aclue schema seeds (aclue-target.md §1.1), in sort order. */
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

/**
 * User archetypes: each names the categories it tends to love and to feel neutral about; the rest
 * are disliked. A user takes the archetype's tiers and then, with `tierSwapProbability`, swaps one
 * love/neutral category with a random other one (per-user noise), so users of one archetype are
 * similar but not identical (RecSim "user type + noise", §2.1).
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
  usersPerScale: p(1000, 'users per unit of --scale', 'issue 4: "scale 1 is about 1,000 users"'),
  productsPerScale: p(
    400,
    'products per unit of --scale (minimum 200)',
    'assumption: catalogue large enough for a long tail',
  ),
  minProducts: p(200, 'products', 'assumption'),
  zipfExponent: p(1.0, 'Zipf s (popularity ∝ 1/rank^s)', '§2.6 item popularity, s≈1 (sweep 0.8–1.2)'),
  tierSwapProbability: p(
    0.3,
    'probability per user',
    'assumption: per-user noise around the archetype (§2.6 RecSim-style)',
  ),
  likeProbability: p(
    { love: 0.7, neutral: 0.3, dislike: 0.07 } as Record<Tier, number>,
    'P(right or up) per swipe',
    '§2.6 tiers: love 0.70, neutral 0.30, dislike 0.05–0.10',
  ),
  superLikeShare: p(
    { love: 0.15, neutral: 0.05, dislike: 0.0 } as Record<Tier, number>,
    'share of likes stored as up',
    'assumption',
  ),
  liberalFactorBeta: p(
    { alpha: 8, beta: 8 },
    'Beta(α,β); factor = 0.5 + value → mean 1.0, range 0.5–1.5',
    '§2.6 liberal/selective multiplier ~Beta',
  ),
  sessionsPerUser: p(
    { median: 3.2, sigma: 0.55, min: 1, max: 20 },
    'sessions, lognormal',
    '§2.6 sessions per user, median 2–4 (over the simulated weeks)',
  ),
  swipesPerSession: p(
    { median: 15, sigma: 0.7, min: 3, max: 120 },
    'swipes, lognormal',
    '§2.6 swipes per session lognormal median ≈15, σ≈0.8',
  ),
  swipeGapSeconds: p(
    { median: 6, sigma: 0.6 },
    'seconds between swipes, lognormal',
    '§2.6 gap between swipes median 4–8 s',
  ),
  sessionGapHours: p(
    { median: 40, sigma: 1.0 },
    'hours between sessions, lognormal',
    '§2.6 between sessions hours–days',
  ),
  exposurePopularityExponent: p(
    0.6,
    'exponent on Zipf weights when choosing the card shown',
    '§2.6 exposure: popularity-weighted, exponent 0.3–1',
  ),
  viewAfterLike: p(0.45, 'P(product view | like)', '§2.6 product view after like 30–60%'),
  affiliateClickPerView: p(0.15, 'P(affiliate click | view after like)', '§2.6 per "buy" tap on liked item 10–20%'),
  duplicateClickRate: p(0.02, 'P(second identical click within 30 s | click)', '§2.6 duplicate clicks 1–3%'),
  conversionRate: p(0.04, 'P(conversion | click)', '§2.6 click→purchase 2–4%'),
  conversionDelayHours: p(
    { median: 2, sigma: 1.6 },
    'hours from click to conversion, lognormal (~80% within 24 h)',
    '§2.6 conversion delay',
  ),
  attributionWindowDays: p(30, 'days', '§2.5 Awin click cookies typically 30 days; aclue-target §7 (internal 30 days)'),
  lateConversionShare: p(0.05, 'share of conversions planted after the window', 'assumption: planted edge case §4.2'),
  reversalRate: p(0.1, 'P(conversion later reversed)', '§2.6 reversals 5–15%'),
  duplicatePostbackRate: p(0.02, "P(a conversion's postback is delivered twice)", '§2.6 duplicate postbacks 1–2%'),
  orphanConversionsPerScale: p(
    5,
    'conversions with an unknown click id, per unit of scale',
    'assumption: planted edge case §4.2',
  ),
  recommendationsPerSession: p(5, 'recommendations written at the end of a completed session', 'assumption'),
  feedbackRate: p(0.3, 'P(feedback | recommendation)', '§2.5 recommendation CTR anchors; assumption'),
  orderValue: p({ median: 45, sigma: 0.7 }, 'order value in USD, lognormal', 'assumption (catalogue price range)'),
  commissionRate: p(
    { min: 0.01, max: 0.1 },
    'commission rate, uniform',
    'aclue-target §7: COMMISSION_RATE_DEFAULT 0.075; Amazon bands 1–10%',
  ),
  simulatedDays: p(60, 'days of simulated history before the reference date', 'assumption'),
  referenceDate: p(
    '2026-01-01T00:00:00.000Z',
    'ISO date: the simulated "now" (fixed for determinism)',
    'faker guidance: fixed refDate (§1.7)',
  ),
  measuredUserMinSwipes: p(40, 'swipes', '§3.4: preference gate measures users with ≥40 swipes'),
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
