/**
 * Preference accuracy, pure: per user, the app's category scores, the oracle (Laplace-smoothed
 * like rate from the same swipes: the best any app can do from that evidence) and a
 * popularity-only ranking (global like counts, the same for everyone) are each scored by NDCG@3
 * and P@3 against the planted tiers.
 */

import type { RankedItem, Tier } from './ndcg.ts';
import { ndcgAtK, precisionAtK, TIER_RELEVANCE } from './ndcg.ts';

export interface UserEvidence {
  readonly userId: string;
  readonly archetype: string;
  /** Swipes the seed planted for the user (history depth). */
  readonly plantedSwipes: number;
  /** Planted tier per category slug. */
  readonly tiers: Readonly<Record<string, Tier>>;
  /** Swipes and likes per category slug, from the database. */
  readonly swipes: Readonly<Record<string, { swipes: number; likes: number }>>;
  /** The app's score per category slug; undefined when the app has no preferences for the user. */
  readonly app: Readonly<Record<string, number>> | undefined;
}

export interface UserScore {
  readonly userId: string;
  readonly archetype: string;
  readonly plantedSwipes: number;
  readonly app: { ndcg: number; p3: number };
  readonly oracle: { ndcg: number; p3: number };
  readonly popularity: { ndcg: number; p3: number };
  readonly hasPreferences: boolean;
}

export const K = 3;

/** Global like counts per category over the given users (the popularity baseline's ranking). */
export function popularityScores(users: readonly UserEvidence[]): Record<string, number> {
  const likes: Record<string, number> = {};
  for (const u of users) for (const [slug, s] of Object.entries(u.swipes)) likes[slug] = (likes[slug] ?? 0) + s.likes;
  return likes;
}

export function laplaceLikeRate(s: { swipes: number; likes: number } | undefined): number {
  return ((s?.likes ?? 0) + 1) / ((s?.swipes ?? 0) + 2);
}

function rankScores(
  tiers: Readonly<Record<string, Tier>>,
  score: (slug: string) => number | undefined,
): { ndcg: number; p3: number } | undefined {
  const items: RankedItem[] = Object.entries(tiers).map(([slug, tier]) => ({
    score: score(slug),
    relevance: TIER_RELEVANCE[tier],
  }));
  const ndcg = ndcgAtK(items, K);
  if (ndcg === undefined) return undefined;
  return { ndcg, p3: precisionAtK(items, K, TIER_RELEVANCE.love) };
}

/** Scores every user that has at least one relevant planted category; others cannot be scored. */
export function scoreUsers(users: readonly UserEvidence[], popularity: Readonly<Record<string, number>>): UserScore[] {
  const out: UserScore[] = [];
  for (const u of users) {
    const app = rankScores(u.tiers, (slug) => u.app?.[slug]);
    const oracle = rankScores(u.tiers, (slug) => laplaceLikeRate(u.swipes[slug]));
    const pop = rankScores(u.tiers, (slug) => popularity[slug] ?? 0);
    if (app === undefined || oracle === undefined || pop === undefined) continue;
    out.push({
      userId: u.userId,
      archetype: u.archetype,
      plantedSwipes: u.plantedSwipes,
      app,
      oracle,
      popularity: pop,
      hasPreferences: u.app !== undefined && Object.keys(u.app).length > 0,
    });
  }
  return out;
}

/**
 * The app's stored preferences (keyed by category name, as the service writes them, or by slug)
 * as a score per slug. Values may be numbers or objects carrying a score-like field.
 */
export function appScoresBySlug(
  stored: unknown,
  nameToSlug: ReadonlyMap<string, string>,
): Record<string, number> | undefined {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return undefined;
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(stored as Record<string, unknown>)) {
    const slug = nameToSlug.get(key.toLowerCase()) ?? key.toLowerCase();
    const score = typeof value === 'number' ? value : scoreField(value);
    if (score !== undefined && Number.isFinite(score)) out[slug] = score;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function scoreField(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object')
    return typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined;
  const v = value as Record<string, unknown>;
  for (const key of ['score', 'like_rate', 'preference', 'affinity', 'value']) {
    const x = v[key];
    if (typeof x === 'number') return x;
  }
  return undefined;
}
