/**
 * The Auth admin API path on the real local stack (PostgREST + the kit's server), the manifest's
 * credentials, and `--clean` on a database that also holds rows the kit did not make.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KitError } from '../../lib/errors.ts';
import { connect } from '../../lib/pg/connect.ts';
import { AdminApiAuth } from '../../seed/auth.ts';
import { cleanRun } from '../../seed/clean.ts';
import { writeManifest } from '../../seed/manifest.ts';
import { runSeed, type SeedResult } from '../../seed/run.ts';
import { signInTokens } from '../../seed/sign-in.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { checksums, localTarget } from './support.ts';

const ALL_TABLES = [
  'auth.users',
  'public.users',
  'public.profiles',
  'public.categories',
  'public.products',
  'public.swipe_sessions',
  'public.swipe_interactions',
  'public.recommendations',
  'public.gift_links',
  'public.newsletter_signups',
  'public.affiliate_clicks',
  'public.user_preferences',
  'public.session_analytics',
  'public.product_views',
  'public.recommendation_feedback',
];

let db: TestDatabase;
let stack: TestStack;
let before: Record<string, string>;
let seeded: SeedResult;
let tmp: string;

/** Rows another actor made: a user with a session, a swipe, a product, a click and a view. */
async function foreignRows(db: TestDatabase): Promise<void> {
  await db.pool.query(`
    insert into auth.users (id, email, aud, role) values ('00000000-0000-4000-8000-000000000001', 'someone@example.com', 'authenticated', 'authenticated');
    insert into public.users (id, email, first_name, last_name) values ('00000000-0000-4000-8000-000000000001', 'someone@example.com', 'Some', 'One');
    insert into public.profiles (id, email, first_name, last_name) values ('00000000-0000-4000-8000-000000000001', 'someone@example.com', 'Some', 'One');
    insert into public.products (id, title, category_id) select '00000000-0000-4000-8000-0000000000aa', 'Their product', id from public.categories where slug = 'fashion';
    insert into public.swipe_sessions (id, user_id) values ('00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-000000000001');
    insert into public.swipe_interactions (session_id, user_id, product_id, swipe_direction)
      values ('00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000aa', 'right');
    insert into public.affiliate_clicks (user_id, product_id, session_id, source_page, affiliate_network, affiliate_url)
      values ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000aa', 's1', '/p', 'amazon', 'https://example.com');
    insert into public.product_views (product_id, user_id, session_id, view_source, interaction_type)
      values ('00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000000001', 's1', 'direct', 'impression');
  `);
}

beforeAll(async () => {
  db = await freshDatabase();
  stack = await startTestStack(db);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-seed-'));
  await foreignRows(db);
  before = await checksums(db.pool, ALL_TABLES);
  seeded = await runSeed({
    seed: 'auth',
    scale: 0.04,
    authWriter: 'admin-api',
    target: await localTarget(db.url, stack.url, stack.serviceRoleKey),
  });
});

afterAll(async () => {
  await stack?.stop();
  await db?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('seed through the Auth admin API', () => {
  it('creates every user as an Auth account that can sign in, and a manifest whose tokens the stack accepts', async () => {
    const n = await db.pool.query<{ n: string }>(
      `select count(*) as n from auth.users u join kit_truth.users t on t.user_id = u.id where t.run_id = $1 and u.email_confirmed_at is not null`,
      [seeded.runId],
    );
    expect(Number(n.rows[0]!.n)).toBe(40);

    const target = await localTarget(db.url, stack.url, stack.serviceRoleKey);
    const { file } = await writeManifest(tmp, path.join(tmp, 'state'), seeded.runId, seeded.world, target);
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      runId: string;
      users: { id: string; email: string; password: string; accessToken: string }[];
      products: { id: string }[];
      categories: unknown[];
    };
    expect(manifest.runId).toBe(seeded.runId);
    expect(manifest.users).toHaveLength(40);
    expect(manifest.products.length).toBe(seeded.params.products);
    expect(manifest.categories).toHaveLength(10);

    const user = manifest.users[3]!;
    const client = createClient(stack.url, stack.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    const signIn = await client.auth.signInWithPassword({ email: user.email, password: user.password });
    expect(signIn.error).toBeNull();
    expect(signIn.data.user?.id).toBe(user.id);

    // The pre-minted token reads the user's own rows through the Data API (RLS as that user).
    const rest = await fetch(`${stack.url}/rest/v1/swipe_sessions?select=user_id&limit=50`, {
      headers: { apikey: stack.anonKey, authorization: `Bearer ${user.accessToken}` },
    });
    expect(rest.status).toBe(200);
    const rows = (await rest.json()) as { user_id: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set([user.id]));
  });

  it('without the JWT secret, signs a sample of users in and lists only them', async () => {
    const target = {
      ...(await localTarget(db.url, stack.url, stack.serviceRoleKey)),
      anonKey: stack.anonKey,
      tokenSigner: undefined,
    };
    const tokens = await signInTokens(target, seeded.world, 2, () => undefined, 10);
    expect([...tokens.keys()]).toEqual([0, 1]);
    const { file } = await writeManifest(
      tmp,
      path.join(tmp, 'state'),
      `${seeded.runId}-signin`,
      seeded.world,
      target,
      tokens,
    );
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { users: { id: string; accessToken: string }[] };
    expect(manifest.users.map((u) => u.accessToken)).toEqual([tokens.get(0), tokens.get(1)]);
    const me = await fetch(`${stack.url}/auth/v1/user`, {
      headers: { apikey: stack.anonKey, authorization: `Bearer ${manifest.users[1]!.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(manifest.users[1]!.id);
  });

  it('refuses a wrong service-role key before writing anything', async () => {
    const wrong = await localTarget(db.url, stack.url, `${stack.serviceRoleKey.slice(0, -4)}AAAA`);
    const error = await runSeed({ seed: 'wrong-key', scale: 0.01, authWriter: 'admin-api', target: wrong }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).exitCode).toBe(2);
    expect((error as KitError).message).toMatch(/service-role key/);
    const runs = await db.pool.query(`select 1 from kit_truth.runs where seed = 'wrong-key'`);
    expect(runs.rowCount).toBe(0);
  });

  it('--clean removes exactly the run and leaves every other row identical', async () => {
    const auth = new AdminApiAuth(stack.url, stack.serviceRoleKey);
    const client = await connect(db.url, 'test database');
    const { deleted } = await cleanRun(client, seeded.runId, auth).finally(() => client.end());
    expect(deleted.get('auth.users')).toBe(40);
    expect(deleted.get('public.swipe_interactions')).toBeGreaterThan(100);
    const after = await checksums(db.pool, ALL_TABLES);
    expect(after).toEqual(before);
    const truth = await db.pool.query(
      'select (select count(*) from kit_truth.runs) + (select count(*) from kit_truth.users) + (select count(*) from kit_truth.clicks) as n',
    );
    expect(truth.rows[0].n).toBe('0');
  });
});
