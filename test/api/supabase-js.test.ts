/**
 * The local stack driven by supabase-js itself: if the client library cannot tell it from a hosted
 * project in what the kit relies on, neither can the seed or the scenarios. Every request goes
 * through the kit's gateway to the real PostgREST and the kit's Auth face.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_KEY_MODES } from '../../lib/config.ts';
import { hs256Signer, type JwtSigner, jwkSigner } from '../../lib/jwt.ts';
import { localKeys, type StackKeyMode } from '../../stack/server/keys.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack, waitForSchema } from '../support/stack.ts';

let db: TestDatabase;
let stack: TestStack;
let admin: SupabaseClient;
let anon: SupabaseClient;
let alice: SupabaseClient;
let bob: SupabaseClient;
let aliceId: string;
let bobId: string;
let categoryId: string;

const PASSWORD = 'correct-horse-battery';
const noSession = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

function client(key: string): SupabaseClient {
  return createClient(stack.url, key, noSession);
}

async function signedIn(email: string): Promise<SupabaseClient> {
  const c = client(stack.anonKey);
  const { error } = await c.auth.signInWithPassword({ email, password: PASSWORD });
  if (error) throw error;
  return c;
}

/** A user through the admin API, with the public.users row the app's tables reference. */
async function account(email: string): Promise<string> {
  const { data, error } = await admin.auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    user_metadata: { first_name: 'T' },
  });
  if (error) throw error;
  await db.pool.query(`insert into public.users (id, email, first_name, last_name) values ($1, $2, 'T', 'U')`, [
    data.user.id,
    email,
  ]);
  return data.user.id;
}

function rest(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return fetch(`${stack.url}/rest/v1${path}`, init);
}

/** A signer of the mode's kind that the stack does not trust: another HS256 secret, or another ES256 key under the stack's kid. */
async function forger(mode: StackKeyMode): Promise<JwtSigner> {
  if (mode === 'legacy') return hs256Signer('another-secret-with-at-least-32-characters');
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return jwkSigner({ ...jwk, kid: stack.keys.signer.kid });
}

// Every test runs against the stack in both ways a Supabase project issues keys and tokens.
describe.each(STACK_KEY_MODES)('%s keys', (mode) => {
  beforeAll(async () => {
    db = await freshDatabase();
    stack = await startTestStack(db, { keyMode: mode });
    admin = client(stack.serviceRoleKey);
    anon = client(stack.anonKey);
    aliceId = await account('alice@example.test');
    bobId = await account('bob@example.test');
    alice = await signedIn('alice@example.test');
    bob = await signedIn('bob@example.test');
    const category = await admin.from('categories').insert({ name: 'Gadgets', slug: 'gadgets' }).select('id').single();
    if (category.error) throw category.error;
    categoryId = (category.data as { id: string }).id;
    const products = ['Echo', 'Alpha', 'Delta', 'Bravo', 'Charlie'].map((title) => ({
      title,
      category_id: categoryId,
      price_min: 10,
    }));
    const inserted = await admin.from('products').insert(products);
    if (inserted.error) throw inserted.error;
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.close();
  });

  describe('Auth face through supabase-js', () => {
    it('signs in with a password and issues GoTrue-shaped tokens', async () => {
      const c = client(stack.anonKey);
      const { data, error } = await c.auth.signInWithPassword({ email: 'alice@example.test', password: PASSWORD });
      expect(error).toBeNull();
      const session = data.session!;
      expect(session.token_type).toBe('bearer');
      expect(session.expires_in).toBe(3600);
      expect(session.user.id).toBe(aliceId);
      expect(session.user.email).toBe('alice@example.test');
      const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1]!, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      expect(claims).toMatchObject({
        sub: aliceId,
        aud: 'authenticated',
        role: 'authenticated',
        iss: `${stack.url}/auth/v1`,
        email: 'alice@example.test',
        app_metadata: { provider: 'email', providers: ['email'] },
        user_metadata: { first_name: 'T' },
        aal: 'aal1',
        is_anonymous: false,
      });
      expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
      expect(typeof claims.session_id).toBe('string');
      const sessions = await db.pool.query('select 1 from auth.sessions where id = $1 and user_id = $2', [
        claims.session_id,
        aliceId,
      ]);
      expect(sessions.rowCount).toBe(1);

      const user = await c.auth.getUser();
      expect(user.error).toBeNull();
      expect(user.data.user?.id).toBe(aliceId);
    });

    it("stores a salted bcrypt hash at GoTrue's cost, never the password", async () => {
      const { rows } = await db.pool.query<{ encrypted_password: string }>(
        'select encrypted_password from auth.users where id = $1',
        [aliceId],
      );
      expect(rows[0]!.encrypted_password).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
      expect(rows[0]!.encrypted_password).not.toContain(PASSWORD);
      const bobs = await db.pool.query<{ encrypted_password: string }>(
        'select encrypted_password from auth.users where id = $1',
        [bobId],
      );
      expect(bobs.rows[0]!.encrypted_password).not.toBe(rows[0]!.encrypted_password); // per-user salt
    });

    it('refuses a wrong password with 400 invalid_credentials', async () => {
      const { data, error } = await client(stack.anonKey).auth.signInWithPassword({
        email: 'alice@example.test',
        password: 'wrong-password',
      });
      expect(data.session).toBeNull();
      expect(error?.status).toBe(400);
      expect(error?.code).toBe('invalid_credentials');
      expect(error?.message).toBe('Invalid login credentials');
      const unknown = await client(stack.anonKey).auth.signInWithPassword({
        email: 'nobody@example.test',
        password: PASSWORD,
      });
      expect(unknown.error?.code).toBe('invalid_credentials');
    });

    it('rotates refresh tokens: a used one is refused', async () => {
      const c = await signedIn('bob@example.test');
      const first = (await c.auth.getSession()).data.session!;
      const refreshed = await c.auth.refreshSession();
      expect(refreshed.error).toBeNull();
      expect(refreshed.data.session!.refresh_token).not.toBe(first.refresh_token);
      const reused = await fetch(`${stack.url}/auth/v1/token?grant_type=refresh_token`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' },
        body: JSON.stringify({ refresh_token: first.refresh_token }),
      });
      expect(reused.status).toBe(400);
      expect(await reused.json()).toEqual({
        code: 'refresh_token_already_used',
        message: 'Invalid Refresh Token: Already Used',
      });
    });

    it('logout ends the session: its access token no longer reaches /user', async () => {
      const c = await signedIn('bob@example.test');
      const token = (await c.auth.getSession()).data.session!.access_token;
      expect((await c.auth.signOut()).error).toBeNull();
      const after = await fetch(`${stack.url}/auth/v1/user`, {
        headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'x-supabase-api-version': '2024-01-01' },
      });
      expect(after.status).toBe(403);
      expect(((await after.json()) as { code: string }).code).toBe('session_not_found');
    });

    it('admin creates, lists, reads and deletes users; duplicates are 422 email_exists', async () => {
      const created = await admin.auth.admin.createUser({
        email: 'carol@example.test',
        password: PASSWORD,
        email_confirm: true,
        app_metadata: { tier: 'x' },
      });
      expect(created.error).toBeNull();
      const id = created.data.user!.id;
      expect(created.data.user!.app_metadata).toEqual({ provider: 'email', providers: ['email'], tier: 'x' });
      expect(created.data.user!.email_confirmed_at).toBeTruthy();

      const duplicate = await admin.auth.admin.createUser({ email: 'carol@example.test', password: PASSWORD });
      expect(duplicate.error?.status).toBe(422);
      expect(duplicate.error?.code).toBe('email_exists');

      const weak = await admin.auth.admin.createUser({ email: 'dave@example.test', password: '123' });
      expect(weak.error?.status).toBe(422);
      expect(weak.error?.code).toBe('weak_password');

      const list = await admin.auth.admin.listUsers({ page: 1, perPage: 2 });
      expect(list.error).toBeNull();
      expect(list.data.users).toHaveLength(2);
      expect((list.data as unknown as { total: number }).total).toBeGreaterThanOrEqual(3);

      const byId = await admin.auth.admin.getUserById(id);
      expect(byId.data.user?.email).toBe('carol@example.test');

      const deleted = await admin.auth.admin.deleteUser(id);
      expect(deleted.error).toBeNull();
      expect((await db.pool.query('select 1 from auth.users where id = $1', [id])).rowCount).toBe(0);
      const gone = await admin.auth.admin.getUserById(id);
      expect(gone.error?.status).toBe(404);
    });

    it('signs up (confirmed at once, as with the CLI default) and refuses a taken e-mail with 422', async () => {
      const c = client(stack.anonKey);
      const up = await c.auth.signUp({
        email: 'frank@example.test',
        password: PASSWORD,
        options: { data: { first_name: 'Frank' } },
      });
      expect(up.error).toBeNull();
      expect(up.data.session?.access_token).toBeTruthy();
      expect(up.data.user?.user_metadata).toEqual({ first_name: 'Frank' });
      const again = await client(stack.anonKey).auth.signUp({ email: 'frank@example.test', password: PASSWORD });
      expect(again.error?.status).toBe(422);
      expect(again.error?.code).toBe('user_already_exists');
    });

    it('admin updates a user: new password works, the old one does not, metadata merges', async () => {
      const created = await admin.auth.admin.createUser({
        email: 'grace@example.test',
        password: PASSWORD,
        email_confirm: true,
        user_metadata: { a: 1 },
      });
      const id = created.data.user!.id;
      const updated = await admin.auth.admin.updateUserById(id, {
        password: 'a-brand-new-password',
        user_metadata: { b: 2 },
      });
      expect(updated.error).toBeNull();
      expect(updated.data.user?.user_metadata).toEqual({ a: 1, b: 2 });
      const oldLogin = await client(stack.anonKey).auth.signInWithPassword({
        email: 'grace@example.test',
        password: PASSWORD,
      });
      expect(oldLogin.error?.code).toBe('invalid_credentials');
      const newLogin = await client(stack.anonKey).auth.signInWithPassword({
        email: 'grace@example.test',
        password: 'a-brand-new-password',
      });
      expect(newLogin.error).toBeNull();
    });

    it('refuses to sign in a user whose e-mail is not confirmed', async () => {
      await admin.auth.admin.createUser({ email: 'heidi@example.test', password: PASSWORD });
      const login = await client(stack.anonKey).auth.signInWithPassword({
        email: 'heidi@example.test',
        password: PASSWORD,
      });
      expect(login.error?.status).toBe(400);
      expect(login.error?.code).toBe('email_not_confirmed');
    });

    it('GET /user answers 403 bad_jwt to expired, forged and key-only tokens, as GoTrue does', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: aliceId, role: 'authenticated', aud: 'authenticated' };
      const cases = [
        [
          await stack.keys.signer.sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
          'token has invalid claims: token is expired',
        ],
        [await (await forger(mode)).sign({ ...claims, iat: now, exp: now + 3600 }), 'signature is invalid'],
        // Only the apikey: the gateway turns it into the bearer token, which has no subject.
        [undefined, 'invalid claim: missing sub claim'],
      ] as const;
      for (const [token, message] of cases) {
        const headers: Record<string, string> = { apikey: stack.anonKey, 'x-supabase-api-version': '2024-01-01' };
        if (token) headers.authorization = `Bearer ${token}`;
        const response = await fetch(`${stack.url}/auth/v1/user`, { headers });
        expect(response.status).toBe(403);
        const body = (await response.json()) as { code: string; message: string };
        expect(body.code).toBe('bad_jwt');
        expect(body.message).toContain(message);
      }
    });

    it('admin routes answer 403 not_admin to the anon key and to a user token', async () => {
      const asAnon = await anon.auth.admin.createUser({ email: 'eve@example.test', password: PASSWORD });
      expect(asAnon.error?.status).toBe(403);
      expect(asAnon.error?.code).toBe('not_admin');
      const token = (await alice.auth.getSession()).data.session!.access_token;
      const asUser = await fetch(`${stack.url}/auth/v1/admin/users`, {
        headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'x-supabase-api-version': '2024-01-01' },
      });
      expect(asUser.status).toBe(403);
      expect(await asUser.json()).toEqual({ code: 'not_admin', message: 'User not allowed' });
    });

    it('speaks the legacy error shape to clients without the API version header', async () => {
      const response = await fetch(`${stack.url}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.test', password: 'nope-nope' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: 400,
        error_code: 'invalid_credentials',
        msg: 'Invalid login credentials',
      });
      expect(response.headers.get('x-supabase-api-version')).toBeNull();
    });

    it('handles 20 concurrent admin creates (the seed does this at scale)', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          admin.auth.admin.createUser({ email: `bulk-${i}@example.test`, password: PASSWORD, email_confirm: true }),
        ),
      );
      expect(results.map((r) => r.error)).toEqual(Array(20).fill(null));
      const { rows } = await db.pool.query<{ n: number }>(
        `select count(*)::int as n from auth.users where email like 'bulk-%'`,
      );
      expect(rows[0]!.n).toBe(20);
    });

    it('reports the database time in Server-Timing', async () => {
      const response = await fetch(`${stack.url}/auth/v1/user`, {
        headers: {
          apikey: stack.anonKey,
          authorization: `Bearer ${(await alice.auth.getSession()).data.session!.access_token}`,
        },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('server-timing')).toMatch(/^db;dur=\d+\.\d$/);
    });
  });

  describe('Data API through supabase-js', () => {
    it('select with filters, order, range and exact count answers 206 with Content-Range', async () => {
      const result = await anon
        .from('products')
        .select('title', { count: 'exact' })
        .eq('category_id', categoryId)
        .gte('price_min', 5)
        .order('title', { ascending: true })
        .range(0, 1);
      expect(result.error).toBeNull();
      expect(result.status).toBe(206);
      expect(result.count).toBe(5);
      expect(result.data).toEqual([{ title: 'Alpha' }, { title: 'Bravo' }]);

      const raw = await rest(`/products?select=title&category_id=eq.${categoryId}&order=title.desc&limit=2&offset=1`, {
        headers: { apikey: stack.anonKey, prefer: 'count=exact' },
      });
      expect(raw.status).toBe(206);
      expect(raw.headers.get('content-range')).toBe('1-2/5');
      expect(await raw.json()).toEqual([{ title: 'Delta' }, { title: 'Charlie' }]);
      // PostgREST's own timing passes through; db is added in milliseconds.
      expect(raw.headers.get('server-timing')).toMatch(/transaction;dur=[\d.]+.*db;dur=\d+\.\d{3}$/);
    });

    it('insert without .select() is 201 with no body; with .select() returns the row', async () => {
      const minimal = await alice
        .from('gift_links')
        .insert({ user_id: aliceId, link_token: `min-${randomUUID()}`, title: 'Minimal' });
      expect(minimal.error).toBeNull();
      expect(minimal.status).toBe(201);
      expect(minimal.data).toBeNull();

      const token = `rep-${randomUUID()}`;
      const represented = await alice
        .from('gift_links')
        .insert({ user_id: aliceId, link_token: token, title: 'Represented' })
        .select('link_token, title');
      expect(represented.status).toBe(201);
      expect(represented.data).toEqual([{ link_token: token, title: 'Represented' }]);
    });

    it('upsert inserts, then merges on the conflict column', async () => {
      const token = `ups-${randomUUID()}`;
      const first = await alice
        .from('gift_links')
        .upsert({ user_id: aliceId, link_token: token, title: 'v1' }, { onConflict: 'link_token' })
        .select('title');
      expect(first.status).toBe(201);
      expect(first.data).toEqual([{ title: 'v1' }]);
      const second = await alice
        .from('gift_links')
        .upsert({ user_id: aliceId, link_token: token, title: 'v2' }, { onConflict: 'link_token' })
        .select('title');
      expect(second.status).toBe(200);
      expect(second.data).toEqual([{ title: 'v2' }]);
      const { rows } = await db.pool.query('select title from public.gift_links where link_token = $1', [token]);
      expect(rows).toEqual([{ title: 'v2' }]);
    });

    it('update and delete answer 204, or 200 with the rows when selected', async () => {
      const token = `upd-${randomUUID()}`;
      await alice.from('gift_links').insert({ user_id: aliceId, link_token: token, title: 'before' });
      const update = await alice.from('gift_links').update({ title: 'after' }).eq('link_token', token);
      expect(update.status).toBe(204);
      const selected = await alice
        .from('gift_links')
        .update({ view_count: 7 })
        .eq('link_token', token)
        .select('title, view_count');
      expect(selected.status).toBe(200);
      expect(selected.data).toEqual([{ title: 'after', view_count: 7 }]);
      const removed = await alice.from('gift_links').delete().eq('link_token', token);
      expect(removed.status).toBe(204);
      expect((await db.pool.query('select 1 from public.gift_links where link_token = $1', [token])).rowCount).toBe(0);
    });

    it('rpc calls a SQL function with named arguments', async () => {
      await db.pool.query(
        `create function public.kit_test_sum(a integer, b integer) returns integer language sql immutable as 'select a + b'`,
      );
      await db.pool.query(`grant execute on function public.kit_test_sum(integer, integer) to anon, authenticated`);
      await db.pool.query(`notify pgrst, 'reload schema'`);
      await waitForSchema(stack, '/rpc/kit_test_sum', { method: 'POST', body: JSON.stringify({ a: 0, b: 0 }) });
      const sum = await anon.rpc('kit_test_sum', { a: 2, b: 3 });
      expect(sum.error).toBeNull();
      expect(sum.status).toBe(200);
      expect(sum.data).toBe(5);
      const missing = await anon.rpc('kit_test_nothing', {});
      expect(missing.status).toBe(404);
      expect(missing.error?.code).toBe('PGRST202');
    });

    it('.single() on 0 and on 2 rows is 406 PGRST116', async () => {
      const none = await anon.from('products').select('id').eq('title', 'No such product').single();
      expect(none.status).toBe(406);
      expect(none.error?.code).toBe('PGRST116');
      const two = await anon.from('products').select('id').in('title', ['Alpha', 'Bravo']).single();
      expect(two.status).toBe(406);
      expect(two.error?.code).toBe('PGRST116');
      expect(two.error?.details).toContain('2 rows');
      const one = await anon.from('products').select('title').eq('title', 'Alpha').single();
      expect(one.status).toBe(200);
      expect(one.data).toEqual({ title: 'Alpha' });
    });
  });

  describe('Data API error cases', () => {
    it('an anonymous write is 401 with PostgreSQL 42501', async () => {
      const result = await anon.from('gift_links').insert({ user_id: aliceId, link_token: `anon-${randomUUID()}` });
      expect(result.status).toBe(401);
      expect(result.error?.code).toBe('42501');
    });

    it("another user's rows are invisible and untouchable (200 [] and 204 with nothing changed)", async () => {
      const token = `own-${randomUUID()}`;
      await alice.from('gift_links').insert({ user_id: aliceId, link_token: token, title: 'alice' });
      const read = await bob.from('gift_links').select('id').eq('link_token', token);
      expect(read.status).toBe(200);
      expect(read.data).toEqual([]);
      const update = await bob.from('gift_links').update({ title: 'bob was here' }).eq('link_token', token);
      expect(update.status).toBe(204);
      const remove = await bob.from('gift_links').delete().eq('link_token', token);
      expect(remove.status).toBe(204);
      const { rows } = await db.pool.query('select title from public.gift_links where link_token = $1', [token]);
      expect(rows).toEqual([{ title: 'alice' }]);
      const steal = await bob.from('gift_links').insert({ user_id: aliceId, link_token: `steal-${randomUUID()}` });
      expect(steal.status).toBe(403);
      expect(steal.error?.code).toBe('42501');
    });

    it('a duplicate key is 409 23505', async () => {
      const token = `dup-${randomUUID()}`;
      expect((await alice.from('gift_links').insert({ user_id: aliceId, link_token: token })).status).toBe(201);
      const again = await alice.from('gift_links').insert({ user_id: aliceId, link_token: token });
      expect(again.status).toBe(409);
      expect(again.error?.code).toBe('23505');
    });

    it('an unknown table is 404', async () => {
      const result = await anon.from('no_such_table').select('*');
      expect(result.status).toBe(404);
      expect(result.error?.code).toBe('42P01'); // PostgREST 12; v13+ says PGRST205
    });

    it('expired and forged tokens are 401 PGRST301', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: aliceId, role: 'authenticated', aud: 'authenticated' };
      const expired = await stack.keys.signer.sign({ ...claims, iat: now - 7200, exp: now - 3600 });
      const forged = await (await forger(mode)).sign({
        ...claims,
        iat: now,
        exp: now + 3600,
      });
      for (const [token, message] of [
        [expired, /JWT expired/],
        [forged, /JWSInvalidSignature|signature|key/i],
      ] as const) {
        const c = createClient(stack.url, stack.anonKey, {
          ...noSession,
          global: { headers: { Authorization: `Bearer ${token}` } },
        });
        const result = await c.from('gift_links').select('id');
        expect(result.status).toBe(401);
        expect(result.error?.code).toBe('PGRST301');
        expect(result.error?.message).toMatch(message);
      }
    });

    it('a missing or unknown apikey is 401 with the gateway bodies', async () => {
      const missing = await rest('/products?select=id');
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      });
      const unknown = await client('not-a-key').from('products').select('id');
      expect(unknown.status).toBe(401);
      expect(unknown.error?.message).toBe('Invalid API key');
      expect(unknown.error?.hint).toBe('Double check your Supabase `anon` or `service_role` API key.');
      const auth = await fetch(`${stack.url}/auth/v1/user`);
      expect(auth.status).toBe(401);
      expect(((await auth.json()) as { message: string }).message).toBe('No API key found in request');
      const viaQuery = await rest(`/products?select=id&limit=1&apikey=${stack.anonKey}`);
      expect(viaQuery.status).toBe(200);
    });

    it('a user token wins over the service key in apikey (RLS applies)', async () => {
      const token = `svc-${randomUUID()}`;
      await admin.from('gift_links').insert({ user_id: aliceId, link_token: token });
      const bobToken = (await bob.auth.getSession()).data.session!.access_token;
      const response = await rest(`/gift_links?select=id&link_token=eq.${token}`, {
        headers: { apikey: stack.serviceRoleKey, authorization: `Bearer ${bobToken}` },
      });
      expect(await response.json()).toEqual([]);
      const asService = await rest(`/gift_links?select=id&link_token=eq.${token}`, {
        headers: { apikey: stack.serviceRoleKey },
      });
      expect(await asService.json()).toHaveLength(1);
    });

    it('answers CORS preflights and exposes Content-Range', async () => {
      const preflight = await rest('/products', {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'apikey, prefer',
        },
      });
      expect(preflight.status).toBe(200);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      for (const header of ['authorization', 'x-client-info', 'apikey', 'content-type', 'prefer', 'range']) {
        expect(preflight.headers.get('access-control-allow-headers')).toContain(header);
      }
      const get = await rest('/products?select=id&limit=1', {
        headers: { apikey: stack.anonKey, origin: 'http://localhost:3000' },
      });
      expect(get.headers.get('access-control-expose-headers')).toBe('Content-Range, Range');
      expect(get.headers.get('access-control-allow-origin')).toBe('*');
    });
  });

  describe('keys and tokens of this mode', () => {
    const header = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

    it('issues tokens of its kind, publishes the key set verifiers use, and the App API accepts them', async () => {
      const token = (await alice.auth.getSession()).data.session!.access_token;
      // Open, as on Supabase: no API key needed to fetch the public keys.
      const jwks = (await (await fetch(`${stack.url}/auth/v1/.well-known/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      if (mode === 'legacy') {
        expect(header(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
        expect(jwks).toEqual({ keys: [] });
        expect(stack.anonKey.split('.')).toHaveLength(3);
      } else {
        expect(header(token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: stack.keys.signer.kid });
        expect(jwks.keys).toEqual([
          expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: stack.keys.signer.kid }),
        ]);
        expect(jwks.keys[0]).not.toHaveProperty('d');
        expect(stack.anonKey).toMatch(/^sb_publishable_/);
        expect(stack.serviceRoleKey).toMatch(/^sb_secret_/);
      }
      // supabase-js checks an asymmetric token itself against the key set (and asks Auth for an HS256 one).
      const claims = await alice.auth.getClaims();
      expect(claims.error).toBeNull();
      expect(claims.data?.claims.sub).toBe(aliceId);
      const stats = await fetch(`${stack.url}/api/v1/users/me/statistics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(stats.status).toBe(200);
    });

    it("the App API registers, logs in, refreshes and reads the user through Auth with the mode's keys", async () => {
      const post = (route: string, body: unknown) =>
        fetch(`${stack.url}/api/v1${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const email = `app-${mode}@example.test`;
      const registered = await post('/auth/register', { email, password: PASSWORD, first_name: 'Ap', last_name: 'Pi' });
      expect(registered.status).toBe(201);
      const session = (await registered.json()) as { access_token: string; refresh_token: string };
      expect(header(session.access_token).alg).toBe(mode === 'legacy' ? 'HS256' : 'ES256');
      const login = await post('/auth/login', { email, password: PASSWORD });
      expect(login.status).toBe(200);
      const refreshed = await post('/auth/refresh', { refresh_token: session.refresh_token });
      expect(refreshed.status).toBe(200);
      const token = ((await login.json()) as { access_token: string }).access_token;
      const me = await fetch(`${stack.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe(email);
    });

    it('a bearer that is an API key, not a user token, takes the role of the apikey header, never its own', async () => {
      const token = `bearer-${mode}-${randomUUID()}`;
      await admin.from('gift_links').insert({ user_id: aliceId, link_token: token });
      const query = `/gift_links?select=id&link_token=eq.${token}`;
      // The elevated key as bearer beside the anon-role key: anon applies (401 for gift_links).
      const escalation = await rest(query, {
        headers: { apikey: stack.anonKey, authorization: `Bearer ${stack.serviceRoleKey}` },
      });
      if (mode === 'new') expect(escalation.status).toBe(401);
      // The legacy service_role key is itself a JWT: as a bearer it is a token of that role, as on Supabase.
      else expect(await escalation.json()).toHaveLength(1);
      const asService = await rest(query, {
        headers: { apikey: stack.serviceRoleKey, authorization: `Bearer ${stack.serviceRoleKey}` },
      });
      expect(await asService.json()).toHaveLength(1);
    });

    it("refuses the other mode's API keys and tokens at the gateway, PostgREST, Auth and the App API", async () => {
      const other = await localKeys(stack.jwtSecret, mode === 'legacy' ? 'new' : 'legacy');
      for (const key of [other.anonKey, other.serviceRoleKey]) {
        const response = await rest('/products?select=id', { headers: { apikey: key } });
        expect(response.status).toBe(401);
        expect(((await response.json()) as { message: string }).message).toBe('Invalid API key');
      }
      const now = Math.floor(Date.now() / 1000);
      const token = await other.signer.sign({
        sub: aliceId,
        role: 'authenticated',
        aud: 'authenticated',
        iat: now,
        exp: now + 600,
      });
      const bearer = { apikey: stack.anonKey, authorization: `Bearer ${token}` };
      expect((await rest('/gift_links?select=id', { headers: bearer })).status).toBe(401);
      expect((await fetch(`${stack.url}/auth/v1/user`, { headers: bearer })).status).toBe(403);
      const stats = await fetch(`${stack.url}/api/v1/users/me/statistics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(stats.status).toBe(401);
    });
  });
});
