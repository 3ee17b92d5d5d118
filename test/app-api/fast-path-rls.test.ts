/**
 * RLS holds on the App API's fast path (one round trip: set_config statement, then the work).
 * Also a control that shows why the set_config must be its own statement: inside a CTE of the
 * statement that reads the table, the role switch comes too late (a silent bypass).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET, loadConfig } from '../../lib/config.ts';
import { hs256Signer } from '../../lib/jwt.ts';
import { AppDatabase, type DbIdentity } from '../../stack/server/app-api/db.ts';
import appApi from '../../stack/server/app-api/index.ts';
import { localKeys } from '../../stack/server/keys.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { type CatalogueProduct, insertCatalogue } from './fixtures.ts';

const A = '0a000000-0000-4000-8000-00000000000a';
const B = '0b000000-0000-4000-8000-00000000000b';

let db: TestDatabase;
let appDb: AppDatabase;
let app: FastifyInstance;
let catalogue: CatalogueProduct[];

function tokenFor(sub: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return hs256Signer(LOCAL_JWT_SECRET).sign({
    sub,
    role: 'authenticated',
    aud: 'authenticated',
    email: `${sub}@example.test`,
    iat: now,
    exp: now + 600,
  });
}

function identity(sub: string): DbIdentity {
  return { role: 'authenticated', claims: { sub, role: 'authenticated', email: `${sub}@example.test` } };
}

async function call(method: 'GET' | 'POST', url: string, sub: string, payload?: unknown) {
  const reply = await app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${await tokenFor(sub)}` },
    payload: payload as object,
  });
  return { status: reply.statusCode, body: reply.json() };
}

beforeAll(async () => {
  db = await freshDatabase();
  catalogue = await insertCatalogue(db.pool);
  await db.pool.query(
    `insert into auth.users (id, email, aud, role, email_confirmed_at, created_at) values
       ($1::uuid, $3, 'authenticated', 'authenticated', now(), now()),
       ($2::uuid, $4, 'authenticated', 'authenticated', now(), now())`,
    [A, B, `${A}@example.test`, `${B}@example.test`],
  );
  appDb = new AppDatabase(db.url, loadConfig({ env: {} }).authenticatorPassword, 2);
  const keys = await localKeys(LOCAL_JWT_SECRET);
  app = Fastify();
  // No Auth face here: these routes verify tokens locally and never call it.
  await app.register(appApi, {
    prefix: '/api/v1',
    databaseUrl: db.url,
    verifier: keys.verifier,
    authenticatorPassword: loadConfig({ env: {} }).authenticatorPassword,
    authUrl: 'http://127.0.0.1:9/auth/v1',
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    postbackSecret: 'test-postback-secret-0123456789',
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await appDb?.close();
  await db?.close();
});

describe('the fast path runs as the caller', () => {
  it('switches role and claims before the work statement', async () => {
    const { rows } = await appDb.run<{ who: string; uid: string; session: string }>(
      identity(A),
      'select current_user as who, auth.uid()::text as uid, session_user as session',
    );
    expect(rows).toEqual([{ who: 'authenticated', uid: A, session: 'authenticator' }]);
    const anon = await appDb.run<{ who: string }>({ role: 'anon', claims: {} }, 'select current_user as who');
    expect(anon.rows).toEqual([{ who: 'anon' }]);
  });

  it('leaves nothing behind on the pooled connection', async () => {
    await appDb.run(identity(A), 'select 1');
    const client = await appDb.pool.connect();
    try {
      const { rows } = await client.query(
        `select current_user as who, coalesce(current_setting('request.jwt.claims', true), '') as claims`,
      );
      expect(rows).toEqual([{ who: 'authenticator', claims: '' }]);
    } finally {
      client.release();
    }
  });

  it('control: set_config inside a CTE of the reading statement does not apply RLS to that read', async () => {
    await call('POST', '/swipes/sessions', A);
    await call('POST', '/swipes/sessions', B);
    const superuser = new pg.Client({ connectionString: db.url });
    await superuser.connect();
    try {
      await superuser.query('begin');
      const cte = await superuser.query<{ n: number }>(`
        with who as (select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{"sub":"${A}","role":"authenticated"}', true))
        select count(*)::int as n from public.swipe_sessions, who`);
      await superuser.query('rollback');
      // Both users' sessions: the role switched only after the statement's privileges were fixed.
      expect(cte.rows[0]?.n).toBeGreaterThanOrEqual(2);
    } finally {
      await superuser.end();
    }
    const fast = await appDb.run<{ n: number; owners: string[] }>(
      identity(A),
      'select count(*)::int as n, array_agg(distinct user_id::text) as owners from public.swipe_sessions',
    );
    expect(fast.rows[0]?.owners).toEqual([A]);
  });
});

describe('function privileges', () => {
  it('grants the App API functions by name: none to PUBLIC, anon only the public gift-link view', async () => {
    const { rows } = await db.pool.query<{ fn: string; public_exec: boolean; anon_exec: boolean }>(`
      select n.nspname || '.' || p.proname as fn,
             exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                     where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_exec,
             has_function_privilege('anon', p.oid, 'EXECUTE') as anon_exec
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'app_private') and p.proname <> all (array['update_updated_at_column', 'update_name_fields'])
      order by 1`);
    expect(rows.filter((r) => r.public_exec)).toEqual([]);
    expect(rows.filter((r) => r.anon_exec && r.fn.startsWith('public.')).map((r) => r.fn)).toEqual([
      'public.view_gift_link',
    ]);
    const definers = await db.pool.query<{ fn: string; config: string[] }>(`
      select p.proname as fn, p.proconfig as config from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'app_private') and p.prosecdef order by 1`);
    expect(definers.rows.map((r) => r.fn)).toEqual([
      'calculate_user_preferences',
      'count_session_event',
      'get_recommendations',
      'record_affiliate_click',
      'view_gift_link',
    ]);
    expect(definers.rows.every((r) => r.config?.includes('search_path=""'))).toBe(true);
  });
});

describe("user A cannot read or write user B's rows through the App API", () => {
  it("lists only the caller's swipe sessions", async () => {
    const mine = await call('GET', '/swipes/sessions', A);
    expect(mine.status).toBe(200);
    expect(mine.body.length).toBeGreaterThan(0);
    expect(new Set(mine.body.map((s: { user_id: string }) => s.user_id))).toEqual(new Set([A]));
  });

  it("refuses a swipe into B's session and writes nothing", async () => {
    const bSession = await call('POST', '/swipes/sessions', B);
    const refused = await call('POST', '/swipes/', A, {
      product_id: catalogue[0]!.id,
      direction: 'like',
      session_id: bSession.body.id,
    });
    expect(refused.status).toBe(404);
    const { rows } = await db.pool.query(
      `select (select count(*)::int from public.swipe_interactions where session_id = $1) as swipes,
              (select total_swipes from public.swipe_sessions where id = $1) as total`,
      [bSession.body.id],
    );
    expect(rows).toEqual([{ swipes: 0, total: 0 }]);
  });

  it("refuses feedback on B's recommendation and B's statistics", async () => {
    await call('POST', '/swipes/', B, { product_id: catalogue[0]!.id, direction: 'like' });
    const recs = await call('GET', '/recommendations/', B);
    expect(recs.status).toBe(200);
    expect(recs.body.length).toBeGreaterThan(0);
    const feedback = await call('POST', '/recommendations/interactions', A, {
      recommendation_id: recs.body[0].id,
      interaction_type: 'like',
    });
    expect(feedback.status).toBe(404);
    await expect(
      appDb.run(identity(A), `select public.get_user_analytics_summary('${B}'::uuid, 30)`),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      appDb.run(identity(A), `select public.calculate_user_preferences('${B}'::uuid)`),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses a direct write of a row owned by B on the fast path (RLS WITH CHECK)', async () => {
    await expect(
      appDb.run(identity(A), `insert into public.swipe_sessions (user_id) values ('${B}')`),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      appDb.run(
        identity(A),
        `insert into public.affiliate_clicks (user_id, product_id, session_id, source_page, affiliate_network, affiliate_url)
                              values ('${B}', '${catalogue[0]!.id}', 's', 'p', 'amazon', 'u')`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const { rows } = await appDb.run<{ n: number }>(
      identity(A),
      'select count(*)::int as n from public.product_views where user_id <> auth.uid()',
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
