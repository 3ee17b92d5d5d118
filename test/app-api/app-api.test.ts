/**
 * The App API against the full local stack (real PostgreSQL, PostgREST, the kit's server with its
 * Auth face): routes, shapes, persistence, auth styles, preferences and recommendations, clicks and
 * signed postbacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPostback } from '../../stack/server/app-api/routes/postbacks.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { type Account, api, type CatalogueProduct, insertCatalogue, register } from './fixtures.ts';

let db: TestDatabase;
let stack: TestStack;
let catalogue: CatalogueProduct[];
let alice: Account;
let bob: Account;

beforeAll(async () => {
  db = await freshDatabase();
  catalogue = await insertCatalogue(db.pool);
  stack = await startTestStack(db);
  alice = await register(stack.url, 'alice');
  bob = await register(stack.url, 'bob');
});

afterAll(async () => {
  await stack?.stop();
  await db?.close();
});

const inCategory = (category: CatalogueProduct['category']) => catalogue.filter((p) => p.category === category);

describe('health and auth', () => {
  it('answers /health with the database connected and a Server-Timing header', async () => {
    const reply = await api(stack.url, 'GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'healthy', database: 'connected' });
    expect(reply.headers.get('server-timing')).toMatch(/^db;dur=\d+(\.\d+)?$/);
  });

  it('registers (201, tokens, user) and logs in; a wrong password is 401', async () => {
    const login = await api(stack.url, 'POST', '/auth/login', {
      body: { email: alice.email, password: alice.password },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({
      id: alice.id,
      email: alice.email,
      first_name: 'alice',
      subscription_tier: 'free',
    });
    expect(typeof login.body.access_token).toBe('string');
    const wrong = await api(stack.url, 'POST', '/auth/login', {
      body: { email: alice.email, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ detail: 'Invalid email or password' });
  });

  it('refreshes, answers /auth/me and logs out through the Auth face', async () => {
    const refreshed = await api(stack.url, 'POST', '/auth/refresh', { body: { refresh_token: alice.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
    const me = await api(stack.url, 'GET', '/auth/me', { token: refreshed.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: alice.id, email: alice.email });
    const reused = await api(stack.url, 'POST', '/auth/refresh', { body: { refresh_token: 'not-a-refresh-token' } });
    expect(reused.status).toBe(401);
  });

  it("answers missing auth per the route's auth style: bearer 403, header 401, query 422; bad token 401", async () => {
    expect((await api(stack.url, 'GET', '/users/me')).status).toBe(403);
    expect((await api(stack.url, 'GET', '/users/me', { token: 'not.a.jwt' })).status).toBe(401);
    expect(
      (await api(stack.url, 'POST', '/swipes/', { body: { product_id: catalogue[0]!.id, direction: 'like' } })).status,
    ).toBe(401);
    expect((await api(stack.url, 'GET', '/swipes/sessions', { headers: { authorization: 'Token abc' } })).status).toBe(
      401,
    );
    const click = await api(stack.url, 'POST', '/affiliate/clicks/', { body: { product_id: catalogue[0]!.id } });
    expect(click.status).toBe(422);
    expect(click.body.detail[0]).toMatchObject({ loc: ['query', 'authorization'], type: 'missing' });
    const badQuery = await api(
      stack.url,
      'GET',
      `/affiliate/stats/?authorization=${encodeURIComponent('Bearer nope')}`,
    );
    expect(badQuery.status).toBe(401);
  });
});

describe('products', () => {
  it('lists products with stable ids from the products table, in the real shape', async () => {
    const first = await api(stack.url, 'GET', '/products/?limit=50');
    const second = await api(stack.url, 'GET', '/products/?limit=50');
    expect(first.status).toBe(200);
    const ids = (first.body as { id: string }[]).map((p) => p.id);
    expect(ids).toEqual((second.body as { id: string }[]).map((p) => p.id));
    expect(new Set(ids)).toEqual(new Set(catalogue.map((p) => p.id))); // the inactive product is not listed
    expect(Object.keys(first.body[0]).sort()).toEqual(
      [
        'affiliate_url',
        'asin',
        'brand',
        'category',
        'currency',
        'description',
        'features',
        'id',
        'image_url',
        'price',
        'rating',
        'retailer',
        'review_count',
        'title',
      ].sort(),
    );
    const fashion = await api(stack.url, 'GET', '/products/?category=fashion');
    expect((fashion.body as { category: string }[]).map((p) => p.category)).toEqual(Array(4).fill('Fashion'));
  });

  it('reads a product by id and by ASIN; trending is ordered by its score; slashless trending is 404', async () => {
    const product = catalogue[5]!;
    const byId = await api(stack.url, 'GET', `/products/${product.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: product.id, asin: product.asin, brand: product.brand });
    expect((await api(stack.url, 'GET', `/products/${product.asin}`)).body.id).toBe(product.id);
    expect((await api(stack.url, 'GET', '/products/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    const trending = await api(stack.url, 'GET', '/products/trending/?limit=5');
    const scores = (trending.body as { trending_score: number }[]).map((p) => p.trending_score);
    expect(scores).toHaveLength(5);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect((await api(stack.url, 'GET', '/products/trending')).status).toBe(404);
  });

  it('records a detail view for a signed-in caller only', async () => {
    const product = catalogue[2]!;
    await api(stack.url, 'GET', `/products/${product.id}`);
    await api(stack.url, 'GET', `/products/${product.id}?view_source=search&session_id=s-1`, { token: bob.token });
    const { rows } = await db.pool.query(
      'select user_id, view_source, interaction_type, session_id from public.product_views where product_id = $1',
      [product.id],
    );
    expect(rows).toEqual([
      { user_id: bob.id, view_source: 'search', interaction_type: 'detail_view', session_id: 's-1' },
    ]);
  });
});

describe('swipes, preferences and recommendations', () => {
  it('persists a swipe with its session (created, then reused and counted)', async () => {
    const product = inCategory('Books & Media')[0]!;
    const first = await api(stack.url, 'POST', '/swipes/', {
      token: bob.token,
      body: { product_id: product.id, direction: 'super_like' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      product_id: product.id,
      direction: 'super_like',
      session_id: expect.any(String),
    });
    const second = await api(stack.url, 'POST', '/swipes/', {
      token: bob.token,
      body: { product_id: product.id, direction: 'dislike', session_id: first.body.session_id },
    });
    expect(second.body.session_id).toBe(first.body.session_id);
    const { rows } = await db.pool.query(
      `select i.id, i.swipe_direction, i.preference_strength::float8 as strength, i.category_id = p.category_id as same_category,
              s.total_swipes, s.user_id
       from public.swipe_interactions i join public.swipe_sessions s on s.id = i.session_id join public.products p on p.id = i.product_id
       where i.session_id = $1 order by i.swipe_timestamp, i.swipe_direction desc`,
      [first.body.session_id],
    );
    expect(rows.map((r) => [r.id, r.swipe_direction, r.strength, r.same_category, r.total_swipes, r.user_id])).toEqual([
      [first.body.id, 'up', 0.95, true, 2, bob.id],
      [second.body.id, 'left', 0.2, true, 2, bob.id],
    ]);
    const sessions = await api(stack.url, 'GET', '/swipes/sessions', { token: bob.token });
    expect(sessions.body).toEqual([
      expect.objectContaining({ id: first.body.session_id, total_swipes: 2, status: 'active' }),
    ]);
  });

  it("answers a bad swipe body with 422 in FastAPI's shape", async () => {
    const bad = await api(stack.url, 'POST', '/swipes/', {
      token: alice.token,
      body: { product_id: catalogue[0]!.id, direction: 'sideways' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'direction'], type: 'enum' })]);
    const missing = await api(stack.url, 'POST', '/swipes/', { token: alice.token, body: { direction: 'like' } });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([
      expect.objectContaining({ loc: ['body', 'product_id'], type: 'missing', msg: 'Field required' }),
    ]);
    const broken = await api(stack.url, 'POST', '/swipes/', { token: alice.token, rawBody: '{"product_id":' });
    expect(broken.status).toBe(422);
  });

  it('computes preferences from swipes and ranks the liked category first in recommendations', async () => {
    const session = await api(stack.url, 'POST', '/swipes/sessions', { token: alice.token });
    expect(session.status).toBe(200);
    for (const p of inCategory('Electronics')) {
      await api(stack.url, 'POST', '/swipes/', {
        token: alice.token,
        body: { product_id: p.id, direction: 'like', session_id: session.body.id },
      });
    }
    for (const p of inCategory('Fashion')) {
      await api(stack.url, 'POST', '/swipes/', {
        token: alice.token,
        body: { product_id: p.id, direction: 'dislike', session_id: session.body.id },
      });
    }
    const recs = await api(stack.url, 'GET', '/recommendations/?limit=6', { token: alice.token });
    expect(recs.status).toBe(200);
    expect(recs.body.length).toBeGreaterThan(0);
    expect(recs.body.slice(0, 4).map((r: { product: { category: string } }) => r.product.category)).toEqual(
      Array(4).fill('Electronics'),
    );
    // Every liked-category item outranks every item of the disliked category.
    const categories: string[] = recs.body.map((r: { product: { category: string } }) => r.product.category);
    const firstFashion = categories.indexOf('Fashion');
    if (firstFashion !== -1) expect(categories.lastIndexOf('Electronics')).toBeLessThan(firstFashion);

    const { rows: prefs } = await db.pool.query(
      `select category_preferences, category_confidence, liked_brands, disliked_brands, total_swipes, right_swipes, left_swipes,
              engagement_rate::float8 as engagement, price_range, calculation_version
       from public.user_preferences where user_id = $1`,
      [alice.id],
    );
    expect(prefs[0]).toMatchObject({
      category_preferences: { Electronics: 1, Fashion: 0 },
      category_confidence: { Electronics: 0.4, Fashion: 0.4 },
      liked_brands: ['Voltix'],
      disliked_brands: ['Threadly'],
      total_swipes: 8,
      right_swipes: 4,
      left_swipes: 4,
      engagement: 0.5,
      calculation_version: 'v2.0',
    });
    const liked = (
      await db.pool.query<{ min: string; max: string }>(
        `select min(price_min) as min, max(price_min) as max from public.products where id = any($1::uuid[])`,
        [inCategory('Electronics').map((p) => p.id)],
      )
    ).rows[0]!;
    expect(prefs[0].price_range).toMatchObject({
      min: Math.trunc(0.8 * Number(liked.min)),
      max: Math.trunc(1.2 * Number(liked.max)),
      currency: 'GBP',
    });

    // The shown items are stored, so feedback can reference them.
    const feedback = await api(stack.url, 'POST', '/recommendations/interactions', {
      token: alice.token,
      body: { recommendation_id: recs.body[0].id, interaction_type: 'click' },
    });
    expect(feedback.status).toBe(200);
    const { rows: stored } = await db.pool.query(
      'select user_id, product_id, feedback_action, feedback_type from public.recommendation_feedback where recommendation_id = $1',
      [recs.body[0].id],
    );
    expect(stored).toEqual([
      { user_id: alice.id, product_id: recs.body[0].product_id, feedback_action: 'click', feedback_type: 'implicit' },
    ]);
  });

  it('follows new swipes: preferences are recalculated when older than the latest swipe', async () => {
    const carol = await register(stack.url, 'carol');
    for (const p of inCategory('Fashion')) {
      await api(stack.url, 'POST', '/swipes/', { token: carol.token, body: { product_id: p.id, direction: 'like' } });
    }
    const before = await api(stack.url, 'GET', '/recommendations/?limit=3', { token: carol.token });
    expect(before.body.map((r: { product: { category: string } }) => r.product.category)).toEqual(
      Array(3).fill('Fashion'),
    );
    for (const p of [...inCategory('Fashion'), ...inCategory('Fashion')]) {
      await api(stack.url, 'POST', '/swipes/', {
        token: carol.token,
        body: { product_id: p.id, direction: 'dislike' },
      });
    }
    for (const p of inCategory('Books & Media')) {
      await api(stack.url, 'POST', '/swipes/', {
        token: carol.token,
        body: { product_id: p.id, direction: 'super_like' },
      });
    }
    const after = await api(stack.url, 'GET', '/recommendations/?limit=3', { token: carol.token });
    expect(after.body.map((r: { product: { category: string } }) => r.product.category)).toEqual(
      Array(3).fill('Books & Media'),
    );
  });

  it('serves calculate_user_preferences as PostgREST RPC too', async () => {
    const response = await fetch(`${stack.url}/rest/v1/rpc/calculate_user_preferences`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ p_user_id: alice.id }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user_id: alice.id, total_swipes: 8 });
    const other = await fetch(`${stack.url}/rest/v1/rpc/calculate_user_preferences`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ p_user_id: alice.id }),
    });
    expect(other.status).toBe(403);
  });
});

describe('affiliate clicks and postbacks', () => {
  const clickPath = (token: string) => `/affiliate/clicks/?authorization=${encodeURIComponent(`Bearer ${token}`)}`;

  async function click(
    account: Account,
    productId: string,
    sessionId = 'web-session-1',
  ): Promise<{ click_id: string; redirect_url: string }> {
    const reply = await api(stack.url, 'POST', clickPath(account.token), {
      body: { product_id: productId, session_id: sessionId, source: 'recommendation' },
    });
    expect(reply.status).toBe(200);
    return reply.body;
  }

  async function postback(body: Record<string, unknown>, signature?: string) {
    const raw = JSON.stringify(body);
    return api(stack.url, 'POST', '/affiliate/postbacks/', {
      rawBody: raw,
      headers: { 'x-kit-signature': signature ?? signPostback(raw, stack.postbackSecret) },
    });
  }

  it('stores a click and returns the merchant URL carrying the stored click id', async () => {
    const product = catalogue[0]!;
    const first = await click(alice, product.id);
    const url = new URL(first.redirect_url);
    expect(url.searchParams.get('ascsubtag')).toBe(first.click_id);
    expect(url.searchParams.get('tag')).toBe('aclue-21');
    await click(alice, product.id);
    const { rows } = await db.pool.query(
      'select user_id, product_id, session_id, affiliate_network, expected_commission::float8 as expected from public.affiliate_clicks where id = $1',
      [first.click_id],
    );
    expect(rows).toEqual([
      {
        user_id: alice.id,
        product_id: product.id,
        session_id: 'web-session-1',
        affiliate_network: 'amazon',
        expected: expect.any(Number),
      },
    ]);
    const counter = await db.pool.query('select affiliate_clicks from public.session_analytics where session_id = $1', [
      'web-session-1',
    ]);
    expect(counter.rows).toEqual([{ affiliate_clicks: 2 }]);
    const stats = await api(
      stack.url,
      'GET',
      `/affiliate/stats/?authorization=${encodeURIComponent(`Bearer ${alice.token}`)}`,
    );
    expect(stats.body).toMatchObject({ total_clicks: 2, conversions: 0 });
  });

  it('applies a signed postback once: a replay is a duplicate, not a second conversion', async () => {
    const { click_id } = await click(bob, catalogue[1]!.id, 'web-session-2');
    const body = { click_id, order_id: 'order-100', amount: 40, commission: 2, currency: 'GBP' };
    const first = await postback(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'converted', duplicate: false });
    const replay = await postback(body);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ duplicate: true });
    const { rows } = await db.pool.query(
      `select id, is_converted, order_id, actual_commission::float8 as commission from public.affiliate_clicks where order_id = 'order-100'`,
    );
    expect(rows).toEqual([{ id: click_id, is_converted: true, order_id: 'order-100', commission: 2 }]);
  });

  it('collapses concurrent deliveries of one order into one conversion', async () => {
    const { click_id } = await click(bob, catalogue[6]!.id, 'web-session-3');
    const body = { click_id, order_id: 'order-150', amount: 25, commission: 1.25 };
    const replies = await Promise.all(Array.from({ length: 6 }, () => postback(body)));
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(replies.filter((r) => r.body.status === 'converted')).toHaveLength(1);
    expect(replies.filter((r) => r.body.duplicate === true)).toHaveLength(5);
    const { rows } = await db.pool.query(
      `select count(*)::int as n from public.affiliate_clicks where order_id = 'order-150' and is_converted`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('records an unknown click id as an orphan (202) and refuses a forged or missing signature (401)', async () => {
    const orphan = await postback({ click_id: 'click_deadbeef0000', order_id: 'order-200', amount: 10, commission: 1 });
    expect(orphan.status).toBe(202);
    expect(orphan.body).toMatchObject({ orphan: true });
    const { rows } = await db.pool.query(
      `select reason, click_id from app_private.affiliate_postback_orphans where order_id = 'order-200'`,
    );
    expect(rows).toEqual([{ reason: 'unknown_click', click_id: 'click_deadbeef0000' }]);

    const { click_id } = await click(bob, catalogue[3]!.id);
    const forged = await postback({ click_id, order_id: 'order-300', amount: 10, commission: 1 }, 'ab'.repeat(32));
    expect(forged.status).toBe(401);
    const unsigned = await api(stack.url, 'POST', '/affiliate/postbacks/', {
      body: { click_id, order_id: 'order-300', amount: 10, commission: 1 },
    });
    expect(unsigned.status).toBe(401);
    const state = await db.pool.query('select is_converted from public.affiliate_clicks where id = $1', [click_id]);
    expect(state.rows).toEqual([{ is_converted: false }]);
  });

  it('flags a conversion outside the attribution window as expired and leaves the click unconverted', async () => {
    const { click_id } = await click(bob, catalogue[4]!.id);
    await db.pool.query(
      `update public.affiliate_clicks set click_timestamp = now() - interval '40 days' where id = $1`,
      [click_id],
    );
    const late = await postback({ click_id, order_id: 'order-400', amount: 10, commission: 1 });
    expect(late.status).toBe(202);
    expect(late.body).toMatchObject({ expired: true, status: 'expired' });
    const state = await db.pool.query('select is_converted from public.affiliate_clicks where id = $1', [click_id]);
    expect(state.rows).toEqual([{ is_converted: false }]);
  });
});

describe('gift links and statistics', () => {
  it('persists gift links: 22-character token, own list, public view counted', async () => {
    const created = await api(stack.url, 'POST', '/gift-links/', {
      token: alice.token,
      body: { title: 'For Sam', product_ids: [catalogue[0]!.id, catalogue[4]!.id], is_public: true },
    });
    expect(created.status).toBe(200);
    expect(created.body.link_token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.body.share_url).toBe(`https://aclue.app/gifts/${created.body.link_token}`);
    const own = await api(stack.url, 'GET', '/gift-links/', { token: alice.token });
    expect(own.body.map((l: { id: string }) => l.id)).toEqual([created.body.id]);
    expect((await api(stack.url, 'GET', '/gift-links/', { token: bob.token })).body).toEqual([]);
    const viewed = await api(stack.url, 'GET', `/gift-links/${created.body.link_token}`);
    expect(viewed.status).toBe(200);
    expect(viewed.body).toMatchObject({ view_count: 1, title: 'For Sam' });
    expect(viewed.body.products.map((p: { id: string }) => p.id)).toEqual([catalogue[0]!.id, catalogue[4]!.id]);
    expect((await api(stack.url, 'GET', '/gift-links/abc123def456')).status).toBe(404);
  });

  it("answers /users/me and /users/me/statistics from the caller's own rows", async () => {
    const me = await api(stack.url, 'GET', '/users/me', { token: alice.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: alice.id, email: alice.email });
    const stats = await api(stack.url, 'GET', '/users/me/statistics', { token: alice.token });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      user_id: alice.id,
      period_days: 30,
      swipes: { total: 8, likes: 4, dislikes: 4 },
    });
    expect(stats.body.engagement_score).toBeGreaterThan(0);
  });
});
