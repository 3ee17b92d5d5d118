/**
 * "Analytics data consistent": the swipes, product views and clicks the App API records in a
 * session are counted in that session's session_analytics row, so verify's consistency check
 * (verify/sql/checks/data-integrity/0006) finds nothing to report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFile, runCheck } from '../../verify/sql/run.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { type Account, api, type CatalogueProduct, insertCatalogue, register } from './fixtures.ts';

let db: TestDatabase;
let stack: TestStack;
let catalogue: CatalogueProduct[];
let carol: Account;
let dave: Account;

beforeAll(async () => {
  db = await freshDatabase();
  catalogue = await insertCatalogue(db.pool);
  stack = await startTestStack(db);
  carol = await register(stack.url, 'carol');
  dave = await register(stack.url, 'dave');
});

afterAll(async () => {
  await stack?.stop();
  await db?.close();
});

describe('session analytics follow the events of their session', () => {
  it('counts swipes, views and clicks of one session in its row', async () => {
    const first = await api(stack.url, 'POST', '/swipes/', {
      token: carol.token,
      body: { product_id: catalogue[0]!.id, direction: 'like' },
    });
    expect(first.status).toBe(200);
    const session = first.body.session_id as string;
    for (const p of catalogue.slice(1, 4)) {
      const swipe = await api(stack.url, 'POST', '/swipes/', {
        token: carol.token,
        body: { product_id: p.id, direction: 'dislike', session_id: session },
      });
      expect(swipe.status).toBe(200);
    }
    const view = await api(stack.url, 'GET', `/products/${catalogue[1]!.id}?session_id=${session}&view_source=swipe`, {
      token: carol.token,
    });
    expect(view.status).toBe(200);
    const click = await api(
      stack.url,
      'POST',
      `/affiliate/clicks/?authorization=${encodeURIComponent(`Bearer ${carol.token}`)}`,
      {
        body: { product_id: catalogue[1]!.id, session_id: session },
      },
    );
    expect(click.status).toBeLessThan(300);
    const { rows } = await db.pool.query(
      'select user_id, total_swipes, products_viewed, affiliate_clicks from public.session_analytics where session_id = $1',
      [session],
    );
    expect(rows).toEqual([{ user_id: carol.id, total_swipes: 4, products_viewed: 1, affiliate_clicks: 1 }]);
    expect(await runCheck(db.pool, checkFile('data-integrity', 'session_analytics_vs_events'), [[]])).toEqual([]);
  });

  it("never counts into another user's session of the same id", async () => {
    const { rows: before } = await db.pool.query(
      'select total_swipes, products_viewed from public.session_analytics where user_id = $1',
      [carol.id],
    );
    // dave views a product naming carol's session id: his view is his own, carol's counters do not move
    const session = (
      await db.pool.query<{ session_id: string }>(
        'select session_id from public.session_analytics where user_id = $1',
        [carol.id],
      )
    ).rows[0]!.session_id;
    const view = await api(stack.url, 'GET', `/products/${catalogue[2]!.id}?session_id=${session}`, {
      token: dave.token,
    });
    expect(view.status).toBe(200);
    const { rows: after } = await db.pool.query(
      'select total_swipes, products_viewed from public.session_analytics where user_id = $1',
      [carol.id],
    );
    expect(after).toEqual(before);
  });
});
