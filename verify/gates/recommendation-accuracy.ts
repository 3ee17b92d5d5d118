/**
 * Recommendation accuracy: the products GET /api/v1/recommendations/ returns to each measured user
 * (enough planted swipes), scored by NDCG@k against the planted tiers of their categories, with a
 * bootstrap 95% CI over users, against a popularity-only list (the most-liked products, the same
 * for everyone) and against the list the app's own stored preferences would give.
 */

import { recommendedLists } from '../checks/recommended-lists.ts';
import { gateResult, insufficient, oneLine } from '../checks/result.ts';
import { judgedRuns } from '../checks/truth.ts';
import type { VerifyContext } from '../context.ts';
import { decimal, round } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { bootstrapMean, mean } from '../scoring/bootstrap.ts';
import { appScoresBySlug } from '../scoring/preference.ts';
import { listNdcg, preferenceList } from '../scoring/recommendation.ts';
import { queryFile, runQuery } from '../sql/run.ts';
import { BOOTSTRAP, categorySlugs, plantedSample, sampleNote, storedPreferences } from './preference-accuracy.ts';

const gate = {
  id: 'recommendation-accuracy',
  title: 'Recommendation accuracy against planted tiers',
  level: 'error',
  checklist: ['Recommendation accuracy improved'],
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function run(ctx: VerifyContext): Promise<GateResult> {
  const r = ctx.criteria.recommendation;
  const p = ctx.criteria.preference;
  const threshold = `NDCG@${r.k} of the recommended items: 95% CI lower bound >= popularity-only list + ${r.minMarginOverPopularity}, mean >= ${r.minPreferenceFraction} x the list the app's preferences give (users with >= ${p.minSwipesPerUser} swipes)`;
  if (ctx.db === undefined)
    return insufficient(gate, threshold, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  if (ctx.app === undefined)
    return insufficient(gate, threshold, `recommendations not asked: ${ctx.appError ?? 'no App API URL'}`);
  const db = ctx.db;
  try {
    const truth = await judgedRuns(db, ctx.seedRunIds);
    if (truth.complete.length === 0)
      return insufficient(gate, threshold, `no planted tiers to compare with: ${truth.problems.join('; ')}`);
    const sample = await plantedSample(db, truth.complete, p);
    const planted = sample.measured;
    if (planted.length < p.minMeasuredUsers) {
      return insufficient(
        gate,
        threshold,
        `only ${planted.length} users with >= ${p.minSwipesPerUser} planted swipes (need ${p.minMeasuredUsers})`,
        { figures: { measuredUsers: planted.length } },
      );
    }
    // Asked first: the app calculates a user's preferences when recommendations are opened.
    const { lists, problems } = await recommendedLists(
      ctx,
      planted.map((u) => u.user_id),
      r.k,
    );
    const ids = [...new Set([...lists.values()].flat())].filter((id) => UUID.test(id));
    const slugOf = new Map(
      (
        await runQuery<{ product_id: string; slug: string }>(
          db,
          queryFile('recommendation-accuracy', 'product_categories'),
          [ids],
        )
      ).map((x) => [x.product_id, x.slug]),
    );
    const popular = (
      await runQuery<{ product_id: string; slug: string }>(
        db,
        queryFile('recommendation-accuracy', 'popular_products'),
        [truth.complete, r.k],
      )
    ).map((x) => x.slug);
    const nameToSlug = await categorySlugs(db);
    const stored = await storedPreferences(
      db,
      planted.map((u) => u.user_id),
    );
    const prefs = new Map([...stored].map(([id, value]) => [id, appScoresBySlug(value, nameToSlug)]));

    const scored = planted.flatMap((u) => {
      const app = listNdcg(
        (lists.get(u.user_id) ?? []).map((id) => slugOf.get(id.toLowerCase())),
        u.tiers,
        r.k,
      );
      const pop = listNdcg(popular, u.tiers, r.k);
      const own = preferenceList(prefs.get(u.user_id), r.k);
      return app === undefined || pop === undefined
        ? []
        : [
            {
              userId: u.user_id,
              app,
              pop,
              pref: own === undefined ? undefined : listNdcg(own, u.tiers, r.k),
              items: lists.get(u.user_id)?.length ?? 0,
            },
          ];
    });
    if (scored.length < p.minMeasuredUsers) {
      return insufficient(
        gate,
        threshold,
        `only ${scored.length} measured users could be scored (need ${p.minMeasuredUsers})${problems.length > 0 ? `; recommendations failed for ${problems.length}: ${problems[0]}` : ''}`,
      );
    }
    const ci = bootstrapMean(
      scored.map((s) => s.app),
      BOOTSTRAP,
    );
    const pop = mean(scored.map((s) => s.pop));
    const withPrefs = scored.filter((s) => s.pref !== undefined);
    const pref = withPrefs.length === 0 ? Number.NaN : mean(withPrefs.map((s) => s.pref as number));
    const reasons: string[] = [];
    if (ci.lower < pop + r.minMarginOverPopularity)
      reasons.push(
        `CI lower bound ${decimal(ci.lower)} does not beat the popularity-only list ${decimal(pop)} by ${r.minMarginOverPopularity}`,
      );
    if (withPrefs.length === 0) reasons.push('no measured user has stored preferences to compare with');
    else if (ci.mean < r.minPreferenceFraction * pref)
      reasons.push(`mean ${decimal(ci.mean)} < ${r.minPreferenceFraction} x the preferences' list ${decimal(pref)}`);
    const worst = [...scored].sort((a, b) => a.app - b.app || a.userId.localeCompare(b.userId)).slice(0, 5);
    return gateResult(
      gate,
      reasons.length === 0 ? 'pass' : 'fail',
      threshold,
      `NDCG@${r.k} ${decimal(ci.mean)} [${decimal(ci.lower)}, ${decimal(ci.upper)}] over ${sampleNote(scored.length, sample.measuredPopulation)} users; popularity-only ${decimal(pop)}; preferences' list ${decimal(pref)}`,
      {
        summary:
          reasons.length === 0
            ? `The recommended items follow the planted tastes: ${decimal(ci.mean - pop)} above the popularity-only list, ${decimal(ci.mean / pref, 2)} of what the app's preferences allow.`
            : `Failed: ${reasons.join('; ')}.${problems.length > 0 ? ` Recommendations failed for ${problems.length} users (first: ${problems[0]}).` : ''}`,
        figures: {
          k: r.k,
          measuredUsers: scored.length,
          measuredPopulation: sample.measuredPopulation,
          usersWithPreferences: withPrefs.length,
          recommendationFailures: problems.length,
          meanItems: round(mean(scored.map((s) => s.items)), 4),
          ndcgMean: round(ci.mean, 4),
          ndcgCiLower: round(ci.lower, 4),
          ndcgCiUpper: round(ci.upper, 4),
          popularityNdcg: round(pop, 4),
          preferenceListNdcg: Number.isNaN(pref) ? null : round(pref, 4),
          bootstrapResamples: ci.resamples,
          bootstrapSeed: BOOTSTRAP.seed,
        },
        rows: worst.map((s) => ({
          worst_user: s.userId,
          items: s.items,
          app_ndcg: round(s.app, 4),
          popularity_ndcg: round(s.pop, 4),
          preference_list_ndcg: s.pref === undefined ? null : round(s.pref, 4),
        })),
        links: ['#recommendation-accuracy'],
      },
    );
  } catch (error) {
    return insufficient(gate, threshold, `recommendations could not be scored: ${oneLine(error)}`);
  }
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
