/**
 * Results of the database gates the report draws charts from, shaped as the gates emit them, for
 * tests that render the report without a database. The figure keys come from the same constants
 * the gates use, so a renamed failure class or postback kind changes the sample too; the end-to-end
 * test checks the real gates' figures against the label table.
 */
import { archetypes } from '../../../model/behaviour.ts';
import { postbackKinds } from '../../../scenarios/lib/postback.ts';
import type { GateResult } from '../../../verify/gate.ts';
import { FAILURE_CLASSES } from '../../../verify/gates/attribution.ts';

export const preferenceSample: GateResult = {
  id: 'preference-accuracy',
  title: 'Preference accuracy against planted tiers',
  level: 'error',
  status: 'warn',
  threshold: 'NDCG@3 95% CI lower bound >= 0.8',
  measured: 'NDCG@3 0.842 [0.821, 0.861] over 240 users; oracle 0.93; popularity 0.41; P@3 0.77',
  evidence: {
    summary: 'Warning: mean 0.842 < 0.95 x oracle 0.930.',
    figures: {
      source: 'user_preferences.category_preferences',
      calculatedBy: 'the app',
      measuredUsers: 240,
      coldStartUsers: 12,
      usersWithoutPreferences: 0,
      ndcg3Mean: 0.842,
      ndcg3CiLower: 0.821,
      ndcg3CiUpper: 0.861,
      p3Mean: 0.77,
      p3CiLower: 0.75,
      p3CiUpper: 0.79,
      oracleNdcg3: 0.93,
      popularityNdcg3: 0.41,
      shareOfOracle: 0.905,
      coldStartAppNdcg3: 0.5,
      bootstrapResamples: 2000,
      bootstrapSeed: 20_250_601,
    },
    rows: archetypes.map((a, i) => ({
      breakdown: 'archetype',
      group: a.id,
      users: 40,
      app_ndcg3: 0.8 + i * 0.02,
      app_ndcg3_ci_lower: 0.75 + i * 0.02,
      app_ndcg3_ci_upper: 0.86 + i * 0.02,
      oracle_ndcg3: 0.93,
      popularity_ndcg3: 0.35 + i * 0.03,
      app_p3: 0.7,
    })),
    links: ['#preference-accuracy'],
  },
  checklist: ['User preference calculations accurate'],
};

export const attributionSample: GateResult = {
  id: 'attribution',
  title: 'Affiliate attribution and revenue, as the app processes postbacks',
  level: 'error',
  status: 'fail',
  threshold: 'every postback the load planted answered and stored as planted',
  measured: '50 planted postbacks; 29/30 conversions stored; 1 missing',
  evidence: {
    summary: 'Failed: 1 missing.',
    figures: {
      seedRuns: 'run-1',
      plantedPostbacks: 50,
      ...Object.fromEntries(postbackKinds.map((k, i) => [`planted_${k}`, [30, 8, 4, 5, 3][i] ?? 1])),
      loadClicks: 420,
      ...Object.fromEntries(FAILURE_CLASSES.map((c) => [`failures_${c}`, c === 'missing' ? 1 : 0])),
      plantedConversions: 30,
      recordedConversions: 29,
      plantedCommission: '41.37',
      recordedCommission: '40.12',
      commissionDifference: -1.25,
      plantedRevenue: '827.40',
      statisticsUsers: 12,
      notJudged: null,
    },
    rows: [{ failure_class: 'missing', kind: 'converted', click_id: 'c-1', order_id: 'o-1', detail: 'not stored' }],
    links: ['#attribution'],
  },
  checklist: ['Affiliate attribution working 100%'],
};
