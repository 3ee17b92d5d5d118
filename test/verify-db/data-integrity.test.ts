// The data-integrity gate on a planted world: consistent data passes; analytics counters that
// disagree with the raw events, an orphan left by a NOT VALID foreign key and a missing seeded
// user each fail naming the rows; an empty database is insufficient-data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import integrityGate from '../../verify/gates/data-integrity.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import { testContext } from './context.ts';
import type { World } from './world.ts';
import { plantWorld } from './world.ts';

let db: TestDatabase;
let empty: TestDatabase;
let world: World;

beforeAll(async () => {
  [db, empty] = await Promise.all([freshDatabase(), freshDatabase()]);
  world = await plantWorld(db.pool, { measuredUsers: 30, coldUsers: 0, swipesPerUser: 6 });
});
afterAll(async () => Promise.all([db?.close(), empty?.close()]));

async function withFault(fault: string, params: unknown[] = []) {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query(fault, params);
    const ctx = testContext(undefined, { seedRunIds: [world.runId] });
    return await integrityGate.run({ ...ctx, db: { query: client.query.bind(client) } as never });
  } finally {
    await client.query('rollback');
    client.release();
  }
}

describe('data-integrity gate', () => {
  it('passes on consistent data', async () => {
    const result = await integrityGate.run(testContext(db.pool, { seedRunIds: [world.runId] }));
    expect(result.evidence.rows, result.evidence.summary).toEqual([]);
    expect(result.status).toBe('pass');
  });

  it('fails when session analytics disagree with the raw events, naming the session', async () => {
    const session = world.sessionIds[2] as string;
    const result = await withFault(
      'update public.session_analytics set total_swipes = total_swipes + 3, affiliate_clicks = 0 where session_id = $1',
      [session],
    );
    expect(result.status).toBe('fail');
    const rows = result.evidence.rows?.filter((r) => r['check'] === 'session_analytics_vs_events');
    expect(rows?.map((r) => r['object'])).toEqual([
      `public.session_analytics ${session}`,
      `public.session_analytics ${session}`,
    ]);
    expect(rows?.map((r) => r['detail'])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^total_swipes 9, 6 swipes recorded$/),
        'affiliate_clicks 0, 1 clicks recorded',
      ]),
    );
  });

  it('fails on an orphan behind a NOT VALID foreign key and on a missing seeded user', async () => {
    const result = await withFault(`
      alter table public.product_views drop constraint product_views_product_id_fkey;
      insert into public.product_views (product_id, session_id, view_source, interaction_type) values (gen_random_uuid(), 'x', 'swipe', 'impression');
      alter table public.product_views add constraint product_views_product_id_fkey foreign key (product_id) references public.products (id) not valid;
      delete from public.users where id = '${world.userIds[0]}';`);
    expect(result.status).toBe('fail');
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({
        check: 'foreign_key_orphans',
        object: 'public.product_views.product_id',
        actual: 1,
      }),
    );
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'seeded_rows_present', object: 'public.users' }),
    );
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'seeded_counts', object: 'public.users' }),
    );
  });

  it('is insufficient-data on an empty database and without one', async () => {
    expect((await integrityGate.run(testContext(empty.pool))).status).toBe('insufficient-data');
    expect((await integrityGate.run(testContext(undefined))).status).toBe('insufficient-data');
  });
});
