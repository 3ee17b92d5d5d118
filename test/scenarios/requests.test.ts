import { describe, expect, it } from 'vitest';
import { routes, tables } from '../../model/target.ts';
import { appRequest, queryString, restRequest, type Target } from '../../scenarios/lib/requests.ts';

const target: Target = { apiUrl: 'http://api.test', supabaseUrl: 'http://sb.test', anonKey: 'anon-key' };

describe('request building', () => {
  it('sends header- and bearer-authenticated routes with Authorization: Bearer', () => {
    const swipe = appRequest(target, routes.swipe, { token: 't1', body: { product_id: 'p', direction: 'like' } });
    expect(swipe.url).toBe('http://api.test/api/v1/swipes/');
    expect(swipe.headers.Authorization).toBe('Bearer t1');
    expect(swipe.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(swipe.body!)).toEqual({ product_id: 'p', direction: 'like' });
    expect(swipe.name).toBe('swipe_create');
    expect(swipe.ownResource).toBe(true);
    expect(appRequest(target, routes.userStatistics, { token: 't2' }).headers.Authorization).toBe('Bearer t2');
  });

  it('puts the token of query-authenticated routes in ?authorization=Bearer <t>, as the backend expects', () => {
    const click = appRequest(target, routes.affiliateClick, { token: 'a.b.c', body: {} });
    expect(click.url).toBe('http://api.test/api/v1/affiliate/clicks/?authorization=Bearer%20a.b.c');
    expect(click.headers.Authorization).toBeUndefined();
  });

  it('fills path parameters and keeps the name free of ids', () => {
    const detail = appRequest(target, routes.product, { params: { id: 'abc 1' }, query: { view_source: 'swipe' } });
    expect(detail.url).toBe('http://api.test/api/v1/products/abc%201?view_source=swipe');
    expect(detail.name).toBe('product_detail');
    expect(detail.ownResource).toBe(false);
    expect(() => appRequest(target, routes.swipe, {})).toThrow(/swipe_create needs a token/);
  });

  it('sends Data API requests with the anon key as apikey and the user token (or anon key) as bearer', () => {
    const anon = restRequest(target, tables.categories, { query: 'select=id&is_active=eq.true' });
    expect(anon.url).toBe('http://sb.test/rest/v1/categories?select=id&is_active=eq.true');
    expect(anon.headers).toMatchObject({ apikey: 'anon-key', Authorization: 'Bearer anon-key' });
    expect(anon.name).toBe('rest_categories');
    expect(anon.expected).toEqual([200, 206]);
    const write = restRequest(target, tables.swipeInteractions, {
      method: 'POST',
      token: 'user',
      body: { a: 1 },
      prefer: 'return=minimal',
      expected: [403],
    });
    expect(write.headers).toMatchObject({ apikey: 'anon-key', Authorization: 'Bearer user', Prefer: 'return=minimal' });
    expect(write.expected).toEqual([403]);
  });

  it('encodes query strings', () => {
    expect(queryString({})).toBe('');
    expect(queryString({ a: 1, b: 'x y&z' })).toBe('?a=1&b=x%20y%26z');
  });
});
