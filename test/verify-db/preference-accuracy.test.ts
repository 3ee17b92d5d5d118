// The preference gate on a planted world: the service's own calculation (like rate per category)
// passes; preferences that are just global popularity fail; no seed run is insufficient-data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCriteria } from '../../verify/criteria.ts';
import preferenceGate from '../../verify/gates/preference-accuracy.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import { testContext } from './context.ts';
import type { World } from './world.ts';
import { plantWorld } from './world.ts';

let db: TestDatabase;
let world: World;

beforeAll(async () => {
  db = await freshDatabase();
  world = await plantWorld(db.pool);
});
afterAll(async () => db?.close());

describe('preference-accuracy gate', () => {
  it("passes when the stored preferences follow each user's swipes", async () => {
    const result = await preferenceGate.run(testContext(db.pool, { seedRunIds: [world.runId] }));
    expect(result.status, result.evidence.summary).toBe('pass');
    const f = result.evidence.figures ?? {};
    expect(f['measuredUsers']).toBe(120);
    expect(f['coldStartUsers']).toBe(10);
    expect(Number(f['ndcg3CiLower'])).toBeGreaterThanOrEqual(0.8);
    expect(result.evidence.rows?.filter((r) => r['breakdown'] === 'archetype').map((r) => r['group'])).toEqual([
      'adventurer',
      'homebody',
      'techie',
    ]);
  });

  it('is deterministic: the same data gives the same interval', async () => {
    const a = await preferenceGate.run(testContext(db.pool, { seedRunIds: [world.runId] }));
    const b = await preferenceGate.run(testContext(db.pool, { seedRunIds: [world.runId] }));
    expect(a.measured).toBe(b.measured);
  });

  it('scores a keyed sample when there are more measured users than maxScoredUsers, the same one each time', async () => {
    const criteria = mergeCriteria({ preference: { maxScoredUsers: 50 } });
    const run = () => preferenceGate.run(testContext(db.pool, { seedRunIds: [world.runId], criteria }));
    const [a, b] = [await run(), await run()];
    expect(a.status, a.evidence.summary).toBe('pass');
    const f = a.evidence.figures ?? {};
    expect(f['measuredUsers']).toBe(50);
    expect(f['measuredPopulation']).toBe(120);
    expect(a.measured).toMatch(/over 50 of 120 \(sampled by md5 of the user id\) users/);
    expect(b.measured).toBe(a.measured);
    expect(b.evidence.rows).toEqual(a.evidence.rows);
  });

  it('fails when the preference calculation returns popularity for everyone', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      // Planted fault: every user gets the global like rate per category.
      await client.query(`
        with pop as (
          select jsonb_object_agg(c.name, r.rate) as prefs from (
            select coalesce(s.category_id, p.category_id) as category_id, avg((s.swipe_direction in ('right', 'up'))::int) as rate
            from public.swipe_interactions s left join public.products p on p.id = s.product_id group by 1) r
          join public.categories c on c.id = r.category_id)
        update public.user_preferences set category_preferences = (select prefs from pop)`);
      const ctx = testContext(undefined, { seedRunIds: [world.runId] });
      const result = await preferenceGate.run({ ...ctx, db: { query: client.query.bind(client) } as never });
      expect(result.status).toBe('fail');
      expect(result.id).toBe('preference-accuracy');
      expect(result.evidence.summary).toMatch(/does not beat popularity/);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('is insufficient-data, naming the URL, when the app that calculates the preferences cannot be reached', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query('delete from public.user_preferences');
      const ctx = testContext(undefined, {
        seedRunIds: [world.runId],
        appError: 'KIT_APP_URL: the App API cannot be reached at http://127.0.0.1:1 (ECONNREFUSED)',
      });
      const result = await preferenceGate.run({ ...ctx, db: { query: client.query.bind(client) } as never });
      expect(result.status).toBe('insufficient-data');
      expect(result.evidence.summary).toContain('http://127.0.0.1:1');
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('is insufficient-data without a seed run, and when the truth schema is missing', async () => {
    const none = await preferenceGate.run(testContext(db.pool));
    expect(none.status).toBe('insufficient-data');
    expect(none.evidence.summary).toMatch(/no seed run id/);
    await db.pool.query('alter schema kit_truth rename to kit_truth_away');
    try {
      const missing = await preferenceGate.run(testContext(db.pool, { seedRunIds: [world.runId] }));
      expect(missing.status).toBe('insufficient-data');
      expect(missing.evidence.summary).toMatch(/truth schema kit_truth .* is absent/);
    } finally {
      await db.pool.query('alter schema kit_truth_away rename to kit_truth');
    }
  });
});
