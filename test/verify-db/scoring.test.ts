// The pure scoring math of the preference gate: NDCG@k and P@k with tie averaging, the
// seeded percentile bootstrap, and the reading of the app's name-keyed preferences.
import { describe, expect, it } from 'vitest';
import { bootstrapMean, quantile } from '../../verify/scoring/bootstrap.ts';
import { dcgAtK, ndcgAtK, precisionAtK } from '../../verify/scoring/ndcg.ts';
import { appScoresBySlug, laplaceLikeRate, popularityScores, scoreUsers } from '../../verify/scoring/preference.ts';

const items = (scores: (number | undefined)[], rel: number[]) =>
  scores.map((score, i) => ({ score, relevance: rel[i] as number }));

describe('NDCG@k', () => {
  it('is 1 for the ideal order and matches a hand-computed value otherwise', () => {
    expect(ndcgAtK(items([3, 2, 1, 0], [2, 2, 1, 0]), 3)).toBeCloseTo(1, 12);
    // order: rel 0, 2, 1 → DCG = 0 + 2/log2(3) + 1/2; ideal = 2 + 2/log2(3) + 1/2
    const expected = (2 / Math.log2(3) + 0.5) / (2 + 2 / Math.log2(3) + 0.5);
    expect(ndcgAtK(items([3, 2, 1, 0], [0, 2, 1, 2]), 3)).toBeCloseTo(expected, 12);
  });

  it('averages ties: all-equal scores earn the mean gain, whatever the input order', () => {
    const rel = [2, 2, 2, 1, 1, 1, 0, 0, 0, 0];
    const tied = items(
      rel.map(() => 0.5),
      rel,
    );
    const meanGain = rel.reduce((a, b) => a + b, 0) / rel.length;
    expect(dcgAtK(tied, 3)).toBeCloseTo(meanGain * (1 + 1 / Math.log2(3) + 0.5), 12);
    expect(ndcgAtK(tied, 3)).toBeCloseTo(
      ndcgAtK(
        items(
          rel.map(() => 0.5),
          [...rel].reverse(),
        ),
        3,
      ) as number,
      12,
    );
    expect(precisionAtK(tied, 3, 2)).toBeCloseTo(0.3, 12);
  });

  it('ranks missing scores last and is undefined with no relevant item', () => {
    expect(ndcgAtK(items([undefined, 0.1], [2, 0]), 1)).toBe(0);
    expect(ndcgAtK(items([1, 2], [0, 0]), 3)).toBeUndefined();
  });
});

describe('bootstrap', () => {
  it('is deterministic for a seed and brackets the mean', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const a = bootstrapMean(values, { seed: 1 });
    expect(bootstrapMean(values, { seed: 1 })).toEqual(a);
    expect(a.lower).toBeLessThan(a.mean);
    expect(a.upper).toBeGreaterThan(a.mean);
    expect(a.mean).toBeCloseTo(0.45, 12);
    // standard error of the mean ≈ 0.287/sqrt(200) ≈ 0.0203 → half-width ≈ 0.04
    expect(a.upper - a.lower).toBeGreaterThan(0.06);
    expect(a.upper - a.lower).toBeLessThan(0.1);
  });

  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3], 1)).toBe(3);
  });
});

describe('preference evidence', () => {
  it('maps name-keyed scores (numbers or objects) to slugs', () => {
    const names = new Map([
      ['books & media', 'books-media'],
      ['electronics', 'electronics'],
    ]);
    expect(appScoresBySlug({ 'Books & Media': 0.7, Electronics: { score: 0.2 } }, names)).toEqual({
      'books-media': 0.7,
      electronics: 0.2,
    });
    expect(appScoresBySlug({}, names)).toBeUndefined();
    expect(appScoresBySlug(null, names)).toBeUndefined();
  });

  it('scores the oracle from Laplace-smoothed like rates and popularity from global likes', () => {
    expect(laplaceLikeRate({ swipes: 8, likes: 6 })).toBeCloseTo(0.7, 12);
    expect(laplaceLikeRate(undefined)).toBe(0.5);
    const user = (id: string, app: Record<string, number> | undefined) => ({
      userId: id,
      archetype: 'a',
      plantedSwipes: 50,
      tiers: { a: 'love', b: 'neutral', c: 'dislike', d: 'dislike' } as const,
      swipes: {
        a: { swipes: 10, likes: 8 },
        b: { swipes: 10, likes: 3 },
        c: { swipes: 10, likes: 0 },
        d: { swipes: 10, likes: 1 },
      },
      app,
    });
    const users = [user('u1', { a: 0.8, b: 0.3, c: 0, d: 0.1 }), user('u2', undefined)];
    const pop = popularityScores(users);
    expect(pop).toEqual({ a: 16, b: 6, c: 0, d: 2 });
    const [s1, s2] = scoreUsers(users, pop);
    expect(s1?.app.ndcg).toBeCloseTo(1, 12);
    expect(s1?.oracle.ndcg).toBeCloseTo(1, 12);
    expect(s2?.hasPreferences).toBe(false);
    expect(s2?.app.ndcg).toBeLessThan(1);
  });
});
