// The attribution gate judges the app's own postback handling: a short load on the kit's engine
// plants every kind of postback against a seeded stack, and the gate reconciles what the app
// answered and stored with the plants. The clean app passes; the handler made to double-count a
// replay, to accept a late conversion or to drop pennies fails, naming the class. The first and
// last of those the old gate passed: it compared the seed with itself, which these faults leave
// alone (the attribution-history gate, the old reconciliation, still passes under them).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.ts';
import type { LoadEvidence } from '../../verify/context.ts';
import type { GateResult } from '../../verify/gate.ts';
import attributionGate from '../../verify/gates/attribution.ts';
import historyGate from '../../verify/gates/attribution-history.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { runEngineCli } from '../scenarios/support/engine.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';
import { stackApi, testContext } from './context.ts';
import { type Fault, startFaultyApp } from './faulty-app.ts';

let seeded: SeededStack;
let original: string;

beforeAll(async () => {
  seeded = await startSeededStack('attribution-app');
  const migration = readFileSync(path.join(repoRoot, 'db/migrations/0032_app_api_affiliate.sql'), 'utf8');
  const start = migration.indexOf('CREATE FUNCTION public.apply_affiliate_postback(');
  original = migration
    .slice(start, migration.indexOf('$$;', start) + 3)
    .replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');
});
afterAll(() => seeded?.stop());

/** A few seconds of smoke load (its first postback iteration plants every kind), then the gates. */
async function loadAndJudge(
  name: string,
  judgeVia?: Fault,
): Promise<{ load: LoadEvidence; result: GateResult; history: GateResult }> {
  const dir = path.join(seeded.tmp, name);
  mkdirSync(dir, { recursive: true });
  const run = await runEngineCli(
    ['run', '--quiet', '--out', `json=${path.join(dir, 'k6-raw.json.gz')}`, 'scenarios/smoke.ts'],
    {
      K6_API_URL: seeded.stack.url,
      K6_MANIFEST: seeded.manifestFile,
      K6_POSTBACK_SECRET: seeded.stack.postbackSecret,
      K6_SUMMARY_DIR: dir,
      K6_PROFILE_DURATION: '3s',
      K6_RUN_TAG: name,
    },
  );
  expect([0, 99], run.stderr).toContain(run.code);
  const load = await readLoadEvidence([dir]);
  // The gate may ask its questions through an app that answers some of them wrongly.
  const app = judgeVia === undefined ? undefined : await startFaultyApp(seeded.stack.url, judgeVia);
  try {
    const ctx = testContext(seeded.db.pool, {
      seedRunIds: [seeded.runId],
      load,
      api: stackApi(seeded.stack, app?.url),
    });
    return { load, result: await attributionGate.run(ctx), history: await historyGate.run(ctx) };
  } finally {
    await app?.stop();
  }
}

/** Runs with `apply_affiliate_postback` rewritten by `fault`, restored afterwards. */
async function withFault(name: string, fault: (source: string) => string, judgeVia?: Fault) {
  const faulty = fault(original);
  expect(faulty).not.toBe(original);
  await seeded.db.pool.query(faulty);
  try {
    return await loadAndJudge(name, judgeVia);
  } finally {
    await seeded.db.pool.query(original);
  }
}

describe('gate attribution (app-processed postbacks)', () => {
  it('passes the clean app, with every kind of postback planted and the statistics equal to the truth', async () => {
    const { load, result, history } = await loadAndJudge('clean');
    expect(new Set(load.postbacks.map((p) => p.kind))).toEqual(
      new Set(['converted', 'duplicate', 'late', 'unknown_click', 'bad_signature']),
    );
    expect(load.postbacks.filter((p) => p.kind === 'converted').every((p) => !p.commission.endsWith('.00'))).toBe(true);
    expect(result.evidence.rows, result.evidence.summary).toEqual([]);
    expect(result.status).toBe('pass');
    expect(Number(result.evidence.figures?.['statisticsUsers'])).toBeGreaterThan(0);
    expect(history.status).toBe('pass');
    // The same load without the API to ask the app's statistics: the revenue figures are not judged.
    const unasked = await attributionGate.run(
      testContext(seeded.db.pool, { seedRunIds: [seeded.runId], load, apiError: 'no API URL and keys' }),
    );
    expect(unasked.status).toBe('insufficient-data');
    expect(unasked.evidence.summary).toContain('revenue figures not asked');
  });

  it('fails when the handler counts a replayed postback again', async () => {
    const { result, history } = await withFault('double-count', (s) =>
      s.replace(
        "      RETURN pg_catalog.jsonb_build_object('status', 'duplicate'",
        "      UPDATE public.affiliate_clicks c SET actual_commission = c.actual_commission + p_commission WHERE c.id = v_other;\n      RETURN pg_catalog.jsonb_build_object('status', 'duplicate'",
      ),
    );
    expect(result.status).toBe('fail');
    expect(result.evidence.figures?.['failures_duplicate']).toBeGreaterThan(0);
    expect(result.evidence.figures?.['failures_revenue']).toBeGreaterThan(0);
    expect(history.status).toBe('pass');
  });

  it('fails when the handler drops the pennies of the commission', async () => {
    const { result, history } = await withFault('drop-pennies', (s) =>
      s.replace('actual_commission = p_commission', 'actual_commission = trunc(p_commission)'),
    );
    expect(result.status).toBe('fail');
    expect(result.evidence.figures?.['failures_commission']).toBeGreaterThan(0);
    expect(Number(result.evidence.figures?.['commissionDifference'])).toBeLessThan(0);
    expect(history.status).toBe('pass');
  });

  it('keeps the failures it found when a statistics call gets no answer, and names that call too', async () => {
    const { result } = await withFault(
      'drop-pennies-no-stats',
      (s) => s.replace('actual_commission = p_commission', 'actual_commission = trunc(p_commission)'),
      ({ path }) => (path === '/api/v1/affiliate/stats/' ? { reset: true } : undefined),
    );
    expect(result.status, result.evidence.summary).toBe('fail');
    expect(result.evidence.figures?.['failures_commission']).toBeGreaterThan(0);
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ failure_class: 'revenue', detail: expect.stringMatching(/got no answer/) }),
    );
  });

  // Last of the faults: it converts a seeded click, which the history gate then rightly names.
  it('fails when the handler attributes a conversion outside the window', async () => {
    const { result } = await withFault('accept-late', (s) =>
      s.replace(
        /\n\s*ELSIF v_at > v_click\.click_timestamp \+ p_attribution_window THEN\n\s*v_reason := 'expired';/,
        '',
      ),
    );
    expect(result.status).toBe('fail');
    expect(result.evidence.rows).toContainEqual(expect.objectContaining({ failure_class: 'expired', kind: 'late' }));
    expect(result.evidence.rows).toContainEqual(expect.objectContaining({ failure_class: 'answer', kind: 'late' }));
  });

  it('is insufficient-data when the load sent no postbacks, and without a judged seed run', async () => {
    const noPostbacks = {
      clickIds: ['00000000-0000-4000-8000-000000000001'],
      writes: [],
      postbacks: [],
      sources: [],
    } as unknown as LoadEvidence;
    const empty = await attributionGate.run(
      testContext(seeded.db.pool, { seedRunIds: [seeded.runId], load: noPostbacks }),
    );
    expect(empty.status).toBe('insufficient-data');
    expect(empty.evidence.summary).toMatch(/sent no postbacks/);
    const unseeded = await attributionGate.run(testContext(seeded.db.pool, { load: noPostbacks }));
    expect(unseeded.status).toBe('insufficient-data');
    expect(unseeded.evidence.summary).toMatch(/no judged seed run/);
  });
});
