/**
 * Recommendation accuracy, pure: a list of recommended items scored by NDCG@k against the planted
 * tiers of the items' categories. The ideal list is k items of the user's best tier (the catalogue
 * holds many products of every category), so a list that spends slots on disliked categories, or
 * repeats what everyone likes, loses gain position by position.
 */
import { TIER_RELEVANCE, type Tier } from './ndcg.ts';

const discount = (position: number): number => 1 / Math.log2(position + 2);

/** NDCG@k of a list of item categories (undefined slug: an item of no known category, gain 0); undefined when the user has no relevant tier. */
export function listNdcg(
  slugs: readonly (string | undefined)[],
  tiers: Readonly<Record<string, Tier>>,
  k: number,
): number | undefined {
  const best = Math.max(0, ...Object.values(tiers).map((t) => TIER_RELEVANCE[t]));
  if (best === 0) return undefined;
  let dcg = 0;
  let ideal = 0;
  for (let i = 0; i < k; i += 1) {
    const tier = slugs[i] === undefined ? undefined : tiers[slugs[i] as string];
    dcg += (tier === undefined ? 0 : TIER_RELEVANCE[tier]) * discount(i);
    ideal += best * discount(i);
  }
  return dcg / ideal;
}

/**
 * The list a recommender following the stored preferences alone would give: k items from the
 * three best-scored categories in turn (the app draws its candidates from its top three liked
 * categories). Undefined without preferences.
 */
export function preferenceList(scores: Readonly<Record<string, number>> | undefined, k: number): string[] | undefined {
  if (scores === undefined) return undefined;
  const top = Object.entries(scores)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, 3)
    .map(([slug]) => slug);
  return top.length === 0 ? undefined : Array.from({ length: k }, (_, i) => top[i % top.length] as string);
}
