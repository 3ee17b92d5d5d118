/**
 * The gateway as a proxy: bodies pass through byte for byte in both directions (large ones too),
 * HEAD and the PostgREST root work, headers PostgREST sets survive, hop-by-hop ones do not leak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDbTiming, withoutApiKeyParam } from '../../stack/server/gateway.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let db: TestDatabase;
let stack: TestStack;
let categoryId: string;
const ROWS = 3000;

beforeAll(async () => {
  db = await freshDatabase();
  stack = await startTestStack(db);
  const { rows } = await db.pool.query<{ id: string }>(
    `insert into public.categories (name, slug) values ('Bulk', 'bulk') returning id`,
  );
  categoryId = rows[0]!.id;
});

afterAll(async () => {
  await stack?.stop();
  await db?.close();
});

const service = () => ({ apikey: stack.serviceRoleKey });

describe('gateway proxying', () => {
  it('streams a large request body to PostgREST and the same bytes back as PostgREST sends them', async () => {
    const products = Array.from({ length: ROWS }, (_, i) => ({
      title: `Product ${String(i).padStart(5, '0')} ${'x'.repeat(100)}`,
      category_id: categoryId,
      description: 'é ü 漢字 🎁',
    }));
    const body = JSON.stringify(products);
    expect(body.length).toBeGreaterThan(300_000);
    const insert = await fetch(`${stack.url}/rest/v1/products`, {
      method: 'POST',
      headers: { ...service(), 'content-type': 'application/json' },
      body,
    });
    expect(insert.status).toBe(201);
    const { rows } = await db.pool.query<{ n: number }>(
      'select count(*)::int as n from public.products where category_id = $1',
      [categoryId],
    );
    expect(rows[0]!.n).toBe(ROWS);

    const query = `/products?select=title,description&category_id=eq.${categoryId}&order=title&limit=${ROWS}`;
    const viaGateway = await fetch(`${stack.url}/rest/v1${query}`, { headers: service() });
    const direct = await fetch(`${stack.postgrestUrl}${query}`, {
      headers: { authorization: `Bearer ${stack.serviceRoleKey}` },
    });
    const [a, b] = [Buffer.from(await viaGateway.arrayBuffer()), Buffer.from(await direct.arrayBuffer())];
    expect(viaGateway.status).toBe(200);
    expect(a.length).toBeGreaterThan(100_000);
    // db-max-rows = 1000, as on Supabase: a larger limit is capped.
    expect(viaGateway.headers.get('content-range')).toBe('0-999/*');
    expect(a.equals(b)).toBe(true);
    expect(viaGateway.headers.get('content-range')).toBe(direct.headers.get('content-range'));
    expect(viaGateway.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('answers HEAD with headers and no body', async () => {
    const head = await fetch(`${stack.url}/rest/v1/products?select=id&category_id=eq.${categoryId}&limit=10`, {
      method: 'HEAD',
      headers: { ...service(), prefer: 'count=exact' },
    });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`0-9/${ROWS}`);
    expect(await head.text()).toBe('');
  });

  it("serves PostgREST's root (the OpenAPI document) at /rest/v1/", async () => {
    for (const path of ['/rest/v1/', '/rest/v1']) {
      const root = await fetch(`${stack.url}${path}`, { headers: service() });
      expect(root.status, path).toBe(200);
      expect(((await root.json()) as { swagger?: string }).swagger, path).toBe('2.0');
    }
  });

  it('is not an open relay to other PostgREST paths outside /rest/v1', async () => {
    const outside = await fetch(`${stack.url}/products`, { headers: service() });
    expect(outside.status).toBe(404);
  });
});

describe('gateway helpers', () => {
  it("adds db;dur in milliseconds from PostgREST 12's microsecond transaction timing", () => {
    expect(withDbTiming('jwt;dur=12.5, transaction;dur=850.0, response;dur=4.1')).toBe(
      'jwt;dur=12.5, transaction;dur=850.0, response;dur=4.1, db;dur=0.850',
    );
    expect(withDbTiming(undefined)).toBeUndefined();
    expect(withDbTiming('jwt;dur=1.0')).toBe('jwt;dur=1.0');
  });

  it('drops only the apikey query parameter', () => {
    expect(withoutApiKeyParam('/t?apikey=k&select=id')).toBe('/t?select=id');
    expect(withoutApiKeyParam('/t?select=id&apikey=k')).toBe('/t?select=id');
    expect(withoutApiKeyParam('/t?apikey=k')).toBe('/t');
    expect(withoutApiKeyParam('/t?my_apikey=eq.1')).toBe('/t?my_apikey=eq.1');
    expect(withoutApiKeyParam('/t')).toBe('/t');
  });
});
