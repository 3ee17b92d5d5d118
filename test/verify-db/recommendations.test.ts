// The recommendations the app returns, judged two ways on the kit's stack over a planted world: the
// recommendation-accuracy gate scores them against the planted tiers (the app's own list passes;
// replaced by the most popular products, it fails against the popularity-only list), and the
// real-data gate's canned-body check sees through fresh ids: a canned list whose ids and times
// change on every call is the same body for every user once those are set aside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRoute, routes } from '../../verify/checks/app-probe.ts';
import { mintUserToken } from '../../verify/checks/tokens.ts';
import type { VerifyContext } from '../../verify/context.ts';
import realDataGate from '../../verify/gates/real-data.ts';
import recommendationGate from '../../verify/gates/recommendation-accuracy.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { stackApi, testContext } from './context.ts';
import { plantWorld, type World } from './world.ts';

let db: TestDatabase;
let stack: TestStack;
let world: World;
let original: string;

/** Most-liked products first, the same list for everyone, with fresh ids and times on every call. */
const POPULAR_CANNED = `
CREATE OR REPLACE FUNCTION public.get_recommendations(p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
  p_min_price numeric DEFAULT NULL, p_max_price numeric DEFAULT NULL, p_user_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', gen_random_uuid(), 'product_id', t.id,
           'product', pg_catalog.jsonb_build_object('id', t.id, 'title', t.title), 'rank_position', t.rn,
           'created_at', pg_catalog.clock_timestamp()) order by t.rn), '[]'::jsonb)
  from (select p.id, p.title, row_number() over (order by count(s.id) desc, p.id) as rn
        from public.products p
        left join public.swipe_interactions s on s.product_id = p.id and s.swipe_direction in ('right', 'up')
        where p.is_active group by p.id, p.title order by rn limit p_limit) t
$$`;

beforeAll(async () => {
  db = await freshDatabase();
  world = await plantWorld(db.pool, { measuredUsers: 40, coldUsers: 0, swipesPerUser: 60 });
  stack = await startTestStack(db);
  original = (
    await db.pool.query<{ def: string }>(
      "select pg_get_functiondef('public.get_recommendations(integer, integer, numeric, numeric, uuid)'::regprocedure) as def",
    )
  ).rows[0]!.def;
});
afterAll(async () => {
  await stack?.stop();
  await db?.close();
});

function ctx(): VerifyContext {
  const base = testContext(db.pool, {
    seedRunIds: [world.runId],
    api: stackApi(stack),
  });
  return base;
}

async function withCannedPopular<T>(fn: () => Promise<T>): Promise<T> {
  await db.pool.query(POPULAR_CANNED);
  try {
    return await fn();
  } finally {
    await db.pool.query(original);
  }
}

describe('gate recommendation-accuracy', () => {
  it("passes the app's own recommendations: above the popularity-only list, near what its preferences allow", async () => {
    const result = await recommendationGate.run(ctx());
    expect(result.status, result.evidence.summary).toBe('pass');
    expect(result.evidence.figures?.['measuredUsers']).toBe(40);
    expect(Number(result.evidence.figures?.['ndcgMean'])).toBeGreaterThan(
      Number(result.evidence.figures?.['popularityNdcg']),
    );
  });

  it('fails when the recommendations are replaced by the most popular products', async () => {
    const result = await withCannedPopular(() => recommendationGate.run(ctx()));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toMatch(/does not beat the popularity-only list/);
  });

  it('is insufficient-data without an API or a judged seed run', async () => {
    expect((await recommendationGate.run(testContext(db.pool, { seedRunIds: [world.runId] }))).status).toBe(
      'insufficient-data',
    );
    expect((await recommendationGate.run({ ...ctx(), seedRunIds: [] })).status).toBe('insufficient-data');
  });
});

describe('real-data canned bodies with fresh ids', () => {
  it('names a canned recommendations list whose ids and times change per call', async () => {
    const { result, texts } = await withCannedPopular(async () => {
      const [a, b] = world.userIds;
      const texts = [
        (await callRoute(stack.url, routes.recommendations, await mintUserToken({ userTokens: stack.keys.signer }, a!)))
          .text,
        (await callRoute(stack.url, routes.recommendations, await mintUserToken({ userTokens: stack.keys.signer }, b!)))
          .text,
      ];
      return { result: await realDataGate.run(ctx()), texts };
    });
    // Byte for byte the two users' bodies differ, which the old comparison took for personal answers.
    expect(texts[0]).not.toBe(texts[1]);
    expect(result.status).toBe('fail');
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'canned_body', endpoint: 'recommendations_list' }),
    );
  });
});
