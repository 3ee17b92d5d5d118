import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../model/prng.ts';
import {
  iterationSeed,
  otherUserIndex,
  swipeDirection,
  takesShare,
  thinkTime,
  userIndex,
} from '../../scenarios/lib/mix.ts';

describe('journey mix', () => {
  it('takes an optional step on the first iteration and on ceil(n x share) of n iterations, spread evenly', () => {
    for (const share of [0.05, 0.2, 0.25, 0.3, 0.5, 1]) {
      const taken = Array.from({ length: 200 }, (_, i) => takesShare(i, share));
      expect(taken[0]).toBe(true);
      expect(taken.filter(Boolean).length).toBe(Math.ceil(200 * share));
      const first20 = taken.slice(0, 20).filter(Boolean).length;
      expect(Math.abs(first20 - 20 * share)).toBeLessThanOrEqual(1);
    }
    expect(takesShare(0, 0)).toBe(false);
  });

  it('pairs every probing user with someone else', () => {
    for (const n of [2, 3, 10, 101]) {
      for (let i = 0; i < 3 * n; i++) {
        expect(otherUserIndex(i, n)).not.toBe(userIndex(i, n));
        expect(otherUserIndex(i, n)).toBeLessThan(n);
      }
    }
    expect(() => otherUserIndex(0, 1)).toThrow(/at least 2 users/);
  });

  it('draws the same directions and think times for the same iteration, and mostly likes and dislikes', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 500 }, () => swipeDirection(random));
    };
    const seed = iterationSeed('swipingUser', 42);
    expect(draw(seed)).toEqual(draw(seed));
    expect(iterationSeed('swipingUser', 42)).not.toBe(iterationSeed('returningUser', 42));
    const directions = draw(seed);
    const superLikes = directions.filter((d) => d === 'super_like').length;
    expect(superLikes).toBeGreaterThan(20);
    expect(superLikes).toBeLessThan(100);
    const random = seededRandom(1);
    for (let i = 0; i < 100; i++) {
      const t = thinkTime(random, { min: 1, max: 3 });
      expect(t).toBeGreaterThanOrEqual(1);
      expect(t).toBeLessThan(3);
    }
  });
});
