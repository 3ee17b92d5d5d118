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
  tierSwapProbability: p(0.3, 'probability per user', 'assumption: size of the per-user noise'),
  likeProbability: p(
    { love: 0.7, neutral: 0.3, dislike: 0.07 } as Record<Tier, number>,
    'P(right or up) per swipe',
    'assumption; like rates vary widely (arXiv:1607.01952)',
  ),
  superLikeShare: p(
    { love: 0.15, neutral: 0.05, dislike: 0.0 } as Record<Tier, number>,
    'share of likes stored as up',
    'assumption',
  ),
  liberalFactorBeta: p(
    { alpha: 8, beta: 8 },
    'Beta(α,β); factor = 0.5 + value → mean 1.0, range 0.5–1.5',
    'liberal vs selective swipers (arXiv:1607.01952); Beta assumed',
  ),
  sessionsPerUser: p(
    { median: 3.2, sigma: 0.55, min: 1, max: 20 },
    'sessions, lognormal',
    'assumption: no public figure for gift swiping',
  ),
  swipesPerSession: p(
    { median: 15, sigma: 0.7, min: 3, max: 120 },
    'swipes, lognormal',
    'lognormal (arXiv:1003.5325); median assumed',
  ),
  swipeGapSeconds: p(
    { median: 6, sigma: 0.6 },
    'seconds between swipes, lognormal',
    'lognormal (arXiv:1003.5325); median assumed',
  ),
  sessionGapHours: p(
    { median: 40, sigma: 1.0 },
    'hours between sessions, lognormal',
    'lognormal (arXiv:1003.5325); median assumed',
  ),
  exposurePopularityExponent: p(
    0.6,
    'exponent on Zipf weights when choosing the card shown',
    'popularity-driven views (arXiv:1808.00720); exponent assumed',
  ),
  viewAfterLike: p(0.45, 'P(product view | like)', 'assumption'),
  affiliateClickPerView: p(0.15, 'P(affiliate click | view after like)', 'assumption: no public rate for this step'),
  duplicateClickRate: p(
    0.02,
    'P(second identical click within 30 s | click)',
    'assumption: planted to test de-duplication',
  ),
  conversionRate: p(0.04, 'P(conversion | click)', 'e-commerce conversion ≈2–3% (docs/seed.md, Sources)'),
  conversionDelayHours: p(
    { median: 2, sigma: 1.6 },
    'hours from click to conversion, lognormal (~80% within 24 h)',
    "assumption, inside Amazon Associates' 24 h window",
  ),
  attributionWindowDays: p(30, 'days', 'Awin click cookies: 30 days (docs/seed.md, Sources)'),
  lateConversionShare: p(
    0.05,
    'share of conversions planted after the window',
    'assumption: planted edge case (docs/seed.md)',
  ),
  reversalRate: p(0.1, 'P(conversion later reversed)', 'assumption; networks reject refunds (docs/seed.md, Sources)'),
  duplicatePostbackRate: p(
    0.02,
    "P(a conversion's postback is delivered twice)",
    'assumption: planted to test idempotency',
  ),
  orphanConversionsPerScale: p(
    5,
    'conversions with an unknown click id, per unit of scale',
    'assumption: planted edge case (docs/seed.md)',
  ),
  recommendationsPerSession: p(5, 'recommendations written at the end of a completed session', 'assumption'),
  feedbackRate: p(0.3, 'P(feedback | recommendation)', 'assumption: public CTRs are vendor claims'),
  orderValue: p({ median: 45, sigma: 0.7 }, 'order value in USD, lognormal', 'assumption (catalogue price range)'),
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
