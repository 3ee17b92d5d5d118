/**
 * Same seed and parameters → the same rows in two fresh databases; more users → the first users'
 * rows unchanged. Both databases are cloned from the same migrated template, so the category rows
 * (created by migration, with random ids) are identical too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeed } from '../../seed/run.ts';
import { seededPublicTables } from '../../seed/tables.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { checksum, checksums, localTarget } from './support.ts';

const SCALE = 0.2;
let a: TestDatabase;
let b: TestDatabase;
let c: TestDatabase;

beforeAll(async () => {
  [a, b, c] = await Promise.all([freshDatabase(), freshDatabase(), freshDatabase()]);
  // Three writer connections against one: batches land in another order, the rows must not differ.
  const same = { seed: 'same', scale: SCALE, authWriter: 'sql', batchUsers: 70 } as const;
  await runSeed({ ...same, target: await localTarget(a.url), writers: 3 });
  await runSeed({ ...same, target: await localTarget(b.url), writers: 1 });
  await runSeed({
    seed: 'same',
    scale: SCALE,
    users: 120,
    authWriter: 'sql',
    target: await localTarget(c.url),
    batchUsers: 50,
  });
});

afterAll(async () => {
  await Promise.all([a, b, c].filter(Boolean).map((d) => d.close()));
});

describe('seed determinism', () => {
  it('writes identical rows for the same seed and parameters, whatever the batch size or writer count', async () => {
    // auth.users too: the run's one bcrypt hash has a salt derived from the seed.
    const tables = [
      'auth.users',
      ...seededPublicTables,
      'kit_truth.users',
      'kit_truth.products',
      'kit_truth.clicks',
      'kit_truth.conversions',
    ];
    const first = await checksums(a.pool, tables);
    const second = await checksums(b.pool, tables);
    expect(second).toEqual(first);
    // Not vacuous: every table has rows.
    for (const [table, sum] of Object.entries(first)) expect(Number(sum.split(':')[0]), table).toBeGreaterThan(0);
  });

  it("leaves the first users' rows identical when the user count changes", async () => {
    const ids = (
      await c.pool.query<{ id: string }>('select user_id::text as id from kit_truth.users order by user_index')
    ).rows.map((r) => r.id);
    expect(ids).toHaveLength(120);
    const byUser: Record<string, string> = {
      'public.users': 'id = any($1::uuid[])',
      'public.profiles': 'id = any($1::uuid[])',
      'public.swipe_sessions': 'user_id = any($1::uuid[])',
      'public.swipe_interactions': 'user_id = any($1::uuid[])',
      'public.recommendations': 'user_id = any($1::uuid[])',
      'public.product_views': 'user_id = any($1::uuid[])',
      'public.recommendation_feedback': 'user_id = any($1::uuid[])',
      'public.affiliate_clicks': 'user_id = any($1::uuid[])',
      'public.session_analytics': 'user_id = any($1::uuid[])',
    };
    for (const [table, where] of Object.entries(byUser)) {
      const small = await checksum(c.pool, table, where, [ids]);
      const large = await checksum(a.pool, table, where, [ids]);
      expect(large, table).toBe(small);
      expect(Number(small.split(':')[0]), table).toBeGreaterThan(0);
    }
    expect(await checksum(c.pool, 'public.products')).toBe(await checksum(a.pool, 'public.products'));
    // And the larger run really has more users.
    expect(Number((await checksum(a.pool, 'public.users')).split(':')[0])).toBe(200);
  });
});
