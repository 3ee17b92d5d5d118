/**
 * The journey mix's decisions, deterministic per iteration so a run is reproducible and a short
 * run still takes every optional step: which user, which products, which direction, how long to
 * think, and whether this iteration takes an optional step. Pure; unit-tested in Node.
 */
import type { ApiSwipeDirection } from '../../model/target.ts';

/**
 * True for `share` of iterations, spread evenly, and always for the first one (so a smoke run of a
 * few iterations reaches every endpoint). Over n iterations it is true ceil(n·share) times.
 * @example [0, 1, 2, 3].map((i) => takesShare(i, 0.3)) // [true, false, false, true]
 */
export function takesShare(iteration: number, share: number): boolean {
  if (share <= 0) return false;
  return Math.ceil((iteration + 1) * share - 1e-9) > Math.ceil(iteration * share - 1e-9);
}

/**
 * How many of `iterations` take a step of `share` (takesShare over iterations 0..n-1), without
 * walking them: the planner counts requests from it.
 * @example timesTaken(24, 0.3) // 8
 */
export function timesTaken(iterations: number, share: number): number {
  return share <= 0 || iterations <= 0 ? 0 : Math.ceil(iterations * share - 1e-9);
}

/** Index of the user an iteration plays: users take turns so every manifest user gets traffic. */
export function userIndex(iteration: number, userCount: number): number {
  return iteration % userCount;
}

/**
 * The other user whose rows the RLS probe asks for: never the caller, and half the list away so
 * neighbours in the manifest (often the same archetype) are not always paired.
 */
export function otherUserIndex(iteration: number, userCount: number): number {
  if (userCount < 2) throw new Error(`the RLS probe needs at least 2 users, got ${userCount}`);
  const offset = 1 + Math.floor((userCount - 1) / 2);
  return (iteration + offset) % userCount;
}

/** Seed of one iteration of one journey, so parallel journeys do not move in lockstep. */
export function iterationSeed(journey: string, iteration: number): number {
  let h = 2166136261;
  for (const ch of `${journey}:${iteration}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Share of swipes by direction (likes dominate a gift-finding session; super likes are rare). */
const DIRECTION_WEIGHTS: readonly [ApiSwipeDirection, number][] = [
  ['like', 0.45],
  ['dislike', 0.45],
  ['super_like', 0.1],
];

export function swipeDirection(random: () => number): ApiSwipeDirection {
  let r = random();
  for (const [direction, weight] of DIRECTION_WEIGHTS) {
    if (r < weight) return direction;
    r -= weight;
  }
  return 'dislike';
}

/** Uniform think time in seconds. */
export function thinkTime(random: () => number, range: { readonly min: number; readonly max: number }): number {
  return range.min + random() * (range.max - range.min);
}
