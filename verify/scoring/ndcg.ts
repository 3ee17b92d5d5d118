/**
 * Ranking quality of one user's predicted category scores against graded planted relevance.
 *
 * Ties in the predicted scores are averaged (every order of a tied group counts equally), so a
 * preference source that gives every category the same score earns the expected value of a
 * random order, never a lucky one that depends on how categories happen to be sorted.
 * Categories missing from the prediction rank below all scored ones, tied with each other.
 */

/** Planted tier → graded relevance (love 2, neutral 1, dislike 0). */
export const TIER_RELEVANCE = { love: 2, neutral: 1, dislike: 0 } as const;
export type Tier = keyof typeof TIER_RELEVANCE;

export interface RankedItem {
  /** Predicted score; undefined = the source said nothing about this item. */
  readonly score: number | undefined;
  readonly relevance: number;
}

/** Groups of tied items in descending score order, missing scores last. */
function tieGroups(items: readonly RankedItem[]): RankedItem[][] {
  const key = (item: RankedItem): number =>
    item.score === undefined || Number.isNaN(item.score) ? -Infinity : item.score;
  const sorted = [...items].sort((a, b) => key(b) - key(a));
  const groups: RankedItem[][] = [];
  for (const item of sorted) {
    const last = groups[groups.length - 1];
    if (last !== undefined && key(last[0] as RankedItem) === key(item)) last.push(item);
    else groups.push([item]);
  }
  return groups;
}

const discount = (position: number): number => 1 / Math.log2(position + 2);

/** Tie-averaged DCG@k: each tied group spreads its mean gain over the positions it occupies. */
export function dcgAtK(items: readonly RankedItem[], k: number): number {
  let position = 0;
  let total = 0;
  for (const group of tieGroups(items)) {
    if (position >= k) break;
    const meanGain = group.reduce((sum, item) => sum + item.relevance, 0) / group.length;
    const end = Math.min(position + group.length, k);
    for (let p = position; p < end; p += 1) total += meanGain * discount(p);
    position += group.length;
  }
  return total;
}

/** NDCG@k in [0, 1]; undefined when no item is relevant (the user cannot be scored). */
export function ndcgAtK(items: readonly RankedItem[], k: number): number | undefined {
  const ideal = [...items]
    .map((item) => item.relevance)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, rel, i) => sum + rel * discount(i), 0);
  if (ideal <= 0) return undefined;
  return dcgAtK(items, k) / ideal;
}

/** Tie-averaged precision@k: share of the top k that are at or above `relevantFrom`. */
export function precisionAtK(items: readonly RankedItem[], k: number, relevantFrom: number): number {
  let position = 0;
  let hits = 0;
  for (const group of tieGroups(items)) {
    if (position >= k) break;
    const share = group.filter((item) => item.relevance >= relevantFrom).length / group.length;
    hits += share * (Math.min(position + group.length, k) - position);
    position += group.length;
  }
  return hits / k;
}
