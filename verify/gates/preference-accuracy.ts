/**
 * Preference accuracy: for measured users (enough planted swipes; cold start reported apart) the
 * app's category preferences against the planted tiers, by NDCG@3 with a bootstrap 95% CI over
 * users, relative to the oracle ceiling from the same swipes and to a popularity-only baseline.
 * Sources: user_preferences.category_preferences (default) or the Data API as each user.
 */

import type pg from 'pg';
import { mapInOrder } from '../../lib/in-order.ts';
import { routePath, routes, supabasePaths } from '../../model/target.ts';
import { APP_CALLS_IN_FLIGHT } from '../checks/app-probe.ts';
import { recommendedLists } from '../checks/recommended-lists.ts';
import { gateResult, insufficient, oneLine } from '../checks/result.ts';
import { mintUserToken, NO_TOKEN_KEY } from '../checks/tokens.ts';
import { judgedRuns } from '../checks/truth.ts';
import type { VerifyContext } from '../context.ts';
import { decimal, round } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { bootstrapMean, mean } from '../scoring/bootstrap.ts';
import type { Tier } from '../scoring/ndcg.ts';
import type { UserEvidence, UserScore } from '../scoring/preference.ts';
import { appScoresBySlug, popularityScores, scoreUsers } from '../scoring/preference.ts';
import { queryFile, runQuery } from '../sql/run.ts';

const gate = {
  id: 'preference-accuracy',
  title: 'Preference accuracy against planted tiers',
  level: 'error',
  checklist: ['User preference calculations accurate'],
} as const;

export const BOOTSTRAP = { resamples: 2000, seed: 20_250_601 } as const;

export type PreferenceSource = 'table' | 'api';

export interface PlantedUser {
  readonly user_id: string;
  readonly archetype: string;
  readonly planted_swipes: number;
  readonly tiers: Record<string, Tier>;
  readonly measured: boolean;
  readonly population: number;
}

export interface PlantedSample {
  /** Users with enough planted swipes: a keyed sample of at most criteria.preference.maxScoredUsers. */
  readonly measured: PlantedUser[];
  readonly cold: PlantedUser[];
  /** How many users each group had before sampling. */
  readonly measuredPopulation: number;
  readonly coldPopulation: number;
}

/**
 * The judged runs' users, measured and cold-start, each group sampled by md5 of the user id (see
 * the SQL): both accuracy gates score the same users, so the second finds their preferences warm.
 */
export async function plantedSample(
  db: pg.Pool,
  runs: string[],
  p: { readonly minSwipesPerUser: number; readonly maxScoredUsers: number },
): Promise<PlantedSample> {
  const rows = await runQuery<PlantedUser>(db, queryFile('preference-accuracy', 'planted_users'), [
    runs,
    p.minSwipesPerUser,
    p.maxScoredUsers,
  ]);
  const measured = rows.filter((u) => u.measured);
  const cold = rows.filter((u) => !u.measured);
  return {
    measured,
    cold,
    measuredPopulation: measured[0]?.population ?? 0,
    coldPopulation: cold[0]?.population ?? 0,
  };
}

/** The sample's size against its population, for the evidence: "1,000 of 6,934 (keyed sample)". */
export function sampleNote(scored: number, population: number): string {
  return scored < population ? `${scored} of ${population} (sampled by md5 of the user id)` : `all ${population}`;
}

/**
 * Category slug by lower-cased name or slug: the app keys its preferences by category name, the
 * planted tiers by slug.
 */
export async function categorySlugs(db: pg.Pool): Promise<Map<string, string>> {
  const categories = await runQuery<{ slug: string; name: string }>(db, queryFile('preference-accuracy', 'categories'));
  return new Map(
    categories.flatMap((c) => [
      [c.name.toLowerCase(), c.slug],
      [c.slug.toLowerCase(), c.slug],
    ]),
  );
}

/** The app's stored preferences of the given users. */
export async function storedPreferences(db: pg.Pool, userIds: readonly string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const r of await runQuery<{ user_id: string; category_preferences: unknown }>(
    db,
    queryFile('preference-accuracy', 'app_preferences'),
    [userIds],
  ))
    out.set(r.user_id, r.category_preferences);
  return out;
}

interface AppPreferences {
  readonly prefs: Map<string, unknown>;
  /** Users the app answered wrongly about their own preferences (a refusal, a body that is no list): findings. */
  readonly wrong: string[];
  /** Users whose call got no answer at all: left out of the scores, never scored as "no preferences". */
  readonly unasked: string[];
}

async function appPreferences(
  ctx: VerifyContext,
  db: pg.Pool,
  source: PreferenceSource,
  userIds: string[],
): Promise<AppPreferences> {
  if (source === 'table') return { prefs: await storedPreferences(db, userIds), wrong: [], unasked: [] };
  const out: AppPreferences = { prefs: new Map(), wrong: [], unasked: [] };
  if (ctx.api === undefined) throw new Error('preference source is the API but no API URL and keys are configured');
  const api = ctx.api;
  const path = `${supabasePaths.rest}/user_preferences`;
  // Each call crosses the network to the project: bounded concurrency, answers kept in the users' order.
  const answers = await mapInOrder(userIds, APP_CALLS_IN_FLIGHT, async (id) => {
    const res = await fetch(`${api.url}${path}?select=category_preferences&user_id=eq.${id}`, {
      headers: { apikey: api.anonKey, authorization: `Bearer ${await mintUserToken(api, id)}` },
      signal: AbortSignal.timeout(30_000),
    }).catch((e: Error) => e);
    if (res instanceof Error) return { id, res };
    const body = (await res.json().catch(() => undefined)) as { category_preferences?: unknown }[] | undefined;
    return { id, res, body };
  });
  for (const { id, res, body } of answers) {
    if (res instanceof Error) out.unasked.push(`GET ${path} as user ${id}: no answer (${oneLine(res)})`);
    else if (!res.ok || !Array.isArray(body))
      out.wrong.push(
        `GET ${path} as user ${id} answered ${res.status}${res.ok ? ' with a body that is not a list' : ' to the user asking for their own preferences'}`,
      );
    else if (body[0] !== undefined) out.prefs.set(id, body[0].category_preferences);
  }
  return out;
}

/**
 * Seeded swipes reach the database without passing through the app, so the app has not yet
 * calculated those users' preferences. It calculates them when a user opens recommendations (as the
 * real backend does on its first call), so the gate opens recommendations once as each measured
 * user: the preferences scored are the app's own, computed by the app's own path. The answers are
 * the ones `recommendation-accuracy` scores (verify/checks/recommended-lists.ts).
 */
async function askAppToCalculate(ctx: VerifyContext, userIds: readonly string[]): Promise<string | undefined> {
  if (ctx.app === undefined) return `not asked (no App API): ${ctx.appError ?? 'no App API URL'}`;
  if (ctx.api?.userTokens === undefined) return `not asked: ${NO_TOKEN_KEY}`;
  const { problems } = await recommendedLists(ctx, userIds, ctx.criteria.recommendation.k);
  return problems.length === 0
    ? undefined
    : `${problems.length} of ${userIds.length} recommendation calls failed (first: ${problems[0]})`;
}

interface Breakdown {
  group: string;
  users: number;
  app_ndcg3: number;
  app_ndcg3_ci_lower: number;
  app_ndcg3_ci_upper: number;
  oracle_ndcg3: number;
  popularity_ndcg3: number;
  app_p3: number;
}

function breakdown(label: (s: UserScore) => string, scores: readonly UserScore[]): Breakdown[] {
  const groups = new Map<string, UserScore[]>();
  for (const s of scores) groups.set(label(s), [...(groups.get(label(s)) ?? []), s]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, g]) => {
      // Each group's own interval, so the report can draw whiskers: a small archetype reads as uncertain.
      const ci = bootstrapMean(
        g.map((s) => s.app.ndcg),
        BOOTSTRAP,
      );
      return {
        group,
        users: g.length,
        app_ndcg3: round(ci.mean, 4),
        app_ndcg3_ci_lower: round(ci.lower, 4),
        app_ndcg3_ci_upper: round(ci.upper, 4),
        oracle_ndcg3: round(mean(g.map((s) => s.oracle.ndcg)), 4),
        popularity_ndcg3: round(mean(g.map((s) => s.popularity.ndcg)), 4),
        app_p3: round(mean(g.map((s) => s.app.p3)), 4),
      };
    });
}

export async function evaluatePreferences(ctx: VerifyContext, source: PreferenceSource = 'table'): Promise<GateResult> {
  const p = ctx.criteria.preference;
  const threshold = `NDCG@3 95% CI lower bound >= ${p.ndcgFloor}, mean >= ${p.minOracleFraction} x oracle (warn down to ${p.warnOracleFraction} x), mean >= popularity + ${p.minMarginOverPopularity} (users with >= ${p.minSwipesPerUser} swipes)`;
  if (ctx.db === undefined)
    return insufficient(gate, threshold, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  const db = ctx.db;
  try {
    const truth = await judgedRuns(db, ctx.seedRunIds);
    if (truth.complete.length === 0)
      return insufficient(gate, threshold, `no planted preferences to compare with: ${truth.problems.join('; ')}`);
    const sample = await plantedSample(db, truth.complete, p);
    const swipeRows = await runQuery<{ user_id: string; slug: string; swipes: number; likes: number }>(
      db,
      queryFile('preference-accuracy', 'swipes_by_category'),
      [[...sample.measured, ...sample.cold].map((u) => u.user_id)],
    );
    const nameToSlug = await categorySlugs(db);
    const measuredPlan = sample.measured;
    const appCall = await askAppToCalculate(
      ctx,
      measuredPlan.map((u) => u.user_id),
    );
    const { prefs, wrong, unasked } = await appPreferences(
      ctx,
      db,
      source,
      measuredPlan.map((u) => u.user_id),
    );
    const unaskedIds = new Set(unasked.map((line) => /as user (\S+):/.exec(line)?.[1]));

    const swipesOf = new Map<string, Record<string, { swipes: number; likes: number }>>();
    for (const r of swipeRows)
      swipesOf.set(r.user_id, { ...(swipesOf.get(r.user_id) ?? {}), [r.slug]: { swipes: r.swipes, likes: r.likes } });
    const evidence = (u: PlantedUser): UserEvidence => ({
      userId: u.user_id,
      archetype: u.archetype,
      plantedSwipes: u.planted_swipes,
      tiers: u.tiers,
      swipes: swipesOf.get(u.user_id) ?? {},
      app: appScoresBySlug(prefs.get(u.user_id), nameToSlug),
    });
    // A user whose call got no answer is not scored: their missing preferences say nothing of the app.
    const measuredEvidence = measuredPlan.filter((u) => !unaskedIds.has(u.user_id)).map(evidence);
    // Popularity from every measured user's likes: one ranking for all, what "recommend the popular" would give.
    const popularity = popularityScores(measuredEvidence);
    const scores = scoreUsers(measuredEvidence, popularity);
    const cold = scoreUsers(sample.cold.map(evidence), popularity);

    if (scores.length < p.minMeasuredUsers && wrong.length > 0)
      return gateResult(gate, 'fail', threshold, `${wrong.length} of ${measuredPlan.length} users answered wrongly`, {
        summary: `Failed: the app answered ${wrong.length} of ${measuredPlan.length} users wrongly about their own preferences (first: ${wrong[0]}).`,
        figures: { measuredUsers: scores.length, usersAnsweredWrongly: wrong.length, usersNotAnswered: unasked.length },
        rows: wrong.slice(0, 10).map((call) => ({ breakdown: 'wrong answer', group: call })),
        links: ['#preference-accuracy'],
      });
    if (scores.length < p.minMeasuredUsers) {
      return insufficient(
        gate,
        threshold,
        unasked.length > 0
          ? `only ${scores.length} measured users could be asked for their preferences (need ${p.minMeasuredUsers}); ${unasked.length} got no answer (first: ${unasked[0]})`
          : `only ${scores.length} users with >= ${p.minSwipesPerUser} planted swipes (need ${p.minMeasuredUsers}): seed more users or lower criteria.preference.minSwipesPerUser`,
        { figures: { measuredUsers: scores.length, coldStartUsers: sample.coldPopulation } },
      );
    }
    const ci = bootstrapMean(
      scores.map((s) => s.app.ndcg),
      BOOTSTRAP,
    );
    const p3 = bootstrapMean(
      scores.map((s) => s.app.p3),
      BOOTSTRAP,
    );
    const oracle = mean(scores.map((s) => s.oracle.ndcg));
    const pop = mean(scores.map((s) => s.popularity.ndcg));
    const withoutPrefs = scores.filter((s) => !s.hasPreferences).length;
    // Preferences the app was never asked to calculate are missing evidence, not wrong ones.
    if ((ctx.app === undefined || ctx.api?.userTokens === undefined) && withoutPrefs > 0)
      return insufficient(
        gate,
        threshold,
        `${withoutPrefs} of ${scores.length} measured users have no stored preferences and the app was not asked to calculate them: ${appCall}`,
        { figures: { measuredUsers: scores.length, usersWithoutPreferences: withoutPrefs } },
      );

    const reasons: string[] = [];
    // The app refusing users their own preferences is a failure whatever the scores say.
    if (wrong.length > 0)
      reasons.push(`${wrong.length} of ${measuredPlan.length} users were answered wrongly (first: ${wrong[0]})`);
    if (ci.lower < p.ndcgFloor) reasons.push(`CI lower bound ${decimal(ci.lower)} < floor ${p.ndcgFloor}`);
    if (ci.mean < p.minOracleFraction * oracle)
      reasons.push(`mean ${decimal(ci.mean)} < ${p.minOracleFraction} x oracle ${decimal(oracle)}`);
    if (ci.mean < pop + p.minMarginOverPopularity)
      reasons.push(`mean ${decimal(ci.mean)} does not beat popularity ${decimal(pop)} by ${p.minMarginOverPopularity}`);
    // Near the ceiling but not at it is a warning (docs/gates/preference-accuracy.md).
    const onlyOracleShort =
      reasons.length === 1 && ci.mean < p.minOracleFraction * oracle && ci.mean >= p.warnOracleFraction * oracle;
    const status = reasons.length === 0 ? 'pass' : onlyOracleShort ? 'warn' : 'fail';

    const byArchetype = breakdown((s) => s.archetype, scores);
    const m = p.minSwipesPerUser;
    const byDepth = breakdown(
      (s) =>
        s.plantedSwipes < 2 * m
          ? `${m}-${2 * m - 1} swipes`
          : s.plantedSwipes < 4 * m
            ? `${2 * m}-${4 * m - 1} swipes`
            : `${4 * m}+ swipes`,
      scores,
    );
    const worst = [...scores].sort((a, b) => a.app.ndcg - b.app.ndcg || a.userId.localeCompare(b.userId)).slice(0, 5);
    return gateResult(
      gate,
      status,
      threshold,
      `NDCG@3 ${decimal(ci.mean)} [${decimal(ci.lower)}, ${decimal(ci.upper)}] over ${sampleNote(scores.length, sample.measuredPopulation)} users; oracle ${decimal(oracle)}; popularity ${decimal(pop)}; P@3 ${decimal(p3.mean)}`,
      {
        summary:
          reasons.length === 0
            ? `The app's preferences rank the planted favourites as well as the swipes allow (${decimal(ci.mean / oracle, 2)} of the oracle), well above popularity.`
            : `${status === 'warn' ? 'Warning' : 'Failed'}: ${reasons.join('; ')}.${withoutPrefs > 0 ? ` ${withoutPrefs} measured users have no stored preferences.` : ''}`,
        figures: {
          source: source === 'table' ? 'user_preferences.category_preferences' : 'Data API /rest/v1/user_preferences',
          calculatedBy:
            appCall === undefined ? `the app, via ${routePath(routes.recommendations)} as each measured user` : appCall,
          measuredUsers: scores.length,
          measuredPopulation: sample.measuredPopulation,
          coldStartUsers: sample.coldPopulation,
          coldStartScored: cold.length,
          usersWithoutPreferences: withoutPrefs,
          usersAnsweredWrongly: wrong.length,
          usersNotAnswered: unasked.length,
          ndcg3Mean: round(ci.mean, 4),
          ndcg3CiLower: round(ci.lower, 4),
          ndcg3CiUpper: round(ci.upper, 4),
          p3Mean: round(p3.mean, 4),
          p3CiLower: round(p3.lower, 4),
          p3CiUpper: round(p3.upper, 4),
          oracleNdcg3: round(oracle, 4),
          popularityNdcg3: round(pop, 4),
          shareOfOracle: round(ci.mean / oracle, 4),
          coldStartAppNdcg3: cold.length > 0 ? round(mean(cold.map((s) => s.app.ndcg)), 4) : null,
          bootstrapResamples: ci.resamples,
          bootstrapSeed: BOOTSTRAP.seed,
        },
        rows: [
          ...byArchetype.map((b) => ({ breakdown: 'archetype', ...b })),
          ...byDepth.map((b) => ({ breakdown: 'history depth', ...b })),
          ...worst.map((s) => ({
            breakdown: 'worst user',
            group: s.userId,
            archetype: s.archetype,
            app_ndcg3: round(s.app.ndcg, 4),
            oracle_ndcg3: round(s.oracle.ndcg, 4),
            has_preferences: s.hasPreferences,
          })),
        ],
        links: ['#preference-accuracy'],
      },
    );
  } catch (error) {
    return insufficient(gate, threshold, `preferences could not be evaluated: ${oneLine(error)}`);
  }
}

export default {
  ...gate,
  run: (ctx: VerifyContext) => evaluatePreferences(ctx, ctx.config.preferenceSource),
} satisfies Gate<VerifyContext>;
