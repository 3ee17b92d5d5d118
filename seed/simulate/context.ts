/**
 * What the entity simulations (seed/simulate/*.ts) share: the sink rows go to, the per-user id
 * counters, and the user and session contexts each entity function receives in its options.
 *
 * Must know: randomness is keyed per entity (seed/rng.ts), and within one stream the order of draws
 * is part of the output. The session stream (`session`, [user, session], `swipes`) is shared, in
 * this order, by the session's opening, each swipe with its view, the session's closing, its
 * analytics row and the gap to the next session; recommendations and clicks have streams of their own.
 */
import type { BoundedLognormal, DeviceType } from '../../model/behaviour.ts';
import type { Rng } from '../rng.ts';
import type { PublicRowArgs, TruthRowArgs } from '../tables.ts';
import type { Uuid } from '../uuid.ts';
import type { UserPlan, World } from '../world.ts';

/**
 * Where rows go. A row's type follows its table (`row('swipeSessions', {…})` takes exactly a
 * `SwipeSessionRow`). Rows of one table arrive in the order they are to be written; rows of
 * different tables interleave, so a sink keeps one buffer per table and writes parents first
 * (`publicOrder`), as seed/batch.ts does.
 */
export interface Sink {
  row(...args: PublicRowArgs): void;
  truth(...args: TruthRowArgs): void;
}

export const SECOND = 1000;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const clampInt = (x: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(x)));

/** A lognormal draw, rounded and clamped (model/behaviour.ts `BoundedLognormal`). */
export const boundedLognormal = (rng: Rng, distribution: BoundedLognormal) =>
  clampInt(rng.lognormal(distribution.median, distribution.sigma), distribution.min, distribution.max);

/** Per-user counters for uuid7: one sequence per table, in the order rows are made. */
export class IdCounters {
  session = 0;
  swipe = 0;
  view = 0;
  click = 0;
  recommendation = 0;
  feedback = 0;
  conversion = 0;
}

/** One user's simulation: fixed for all of the user's sessions. */
export interface UserContext {
  readonly world: World;
  readonly plan: UserPlan;
  readonly runId: string;
  readonly sink: Sink;
  readonly ids: IdCounters;
  readonly device: DeviceType;
  readonly browser: string;
  readonly operatingSystem: string;
}

/** One swipe session of a user. */
export interface SessionContext {
  readonly user: UserContext;
  /** The session's index among the user's sessions (0-based). */
  readonly index: number;
  readonly id: Uuid;
  /** `id` as text, for the tables whose session_id column is text. */
  readonly idText: string;
  /** The session stream; see the note at the top for the order of its draws. */
  readonly rng: Rng;
}
