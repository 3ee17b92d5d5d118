/**
 * Passwords as GoTrue stores them: bcrypt at cost 10. Accounts the seed writes in bulk sign in through
 * the Auth face with the manifest's password; hashes made by other bcrypt implementations verify; a
 * wrong password does not. Where the database has GoTrue's auth.identities, the bulk writer fills it.
 */
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../lib/passwords.ts';
import { runSeed, type SeedResult } from '../../seed/run.ts';
import { uuidText } from '../../seed/uuid.ts';
import { localTarget } from '../seed/support.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/** From golang.org/x/crypto/bcrypt's tests: what GoTrue's library writes ($2a$, cost 10). */
const GO_VECTOR = { password: 'allmine', hash: '$2a$10$XajjQvNhvvRt5GSeFk1xFeyqRrsxkhBkUiQeg0dt.wU1qD4aFDcga' };
/** PHP's password_verify documentation example ($2y$, cost 10). */
const PHP_VECTOR = { password: 'rasmuslerdorf', hash: '$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a' };
/** OpenBSD's test vector ($2a$, cost 5). */
const OPENBSD_VECTOR = { password: 'U*U', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' };

/** GoTrue's auth.identities (current shape), which the kit's local schema does not have. */
const IDENTITIES_DDL = `
  create table auth.identities (
    provider_id text not null,
    user_id uuid not null references auth.users (id) on delete cascade,
    identity_data jsonb not null,
    provider text not null,
    last_sign_in_at timestamptz,
    created_at timestamptz,
    updated_at timestamptz,
    email text generated always as (lower(identity_data ->> 'email')) stored,
    id uuid not null default gen_random_uuid() primary key,
    constraint identities_provider_id_provider_unique unique (provider_id, provider)
  )`;

let db: TestDatabase;
let stack: TestStack;
let seeded: SeedResult;

beforeAll(async () => {
  db = await freshDatabase();
  await db.pool.query(IDENTITIES_DDL);
  stack = await startTestStack(db);
  seeded = await runSeed({
    seed: 'bcrypt',
    scale: 0.02,
    target: await localTarget(db.url, stack.url, stack.serviceRoleKey),
  });
});

afterAll(async () => {
  await stack?.stop();
  await db?.close();
});

const anon = () =>
  createClient(stack.url, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });

describe('bcrypt passwords (lib/passwords.ts)', () => {
  it('hashes as GoTrue does and verifies its own hashes', async () => {
    const hash = await hashPassword('a-password');
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(await verifyPassword('a-password', hash)).toBe(true);
    expect(await verifyPassword('a-passwore', hash)).toBe(false);
  });

  it('verifies hashes made by other implementations, and refuses wrong passwords for them', async () => {
    for (const v of [GO_VECTOR, PHP_VECTOR, OPENBSD_VECTOR]) {
      expect(await verifyPassword(v.password, v.hash), v.hash).toBe(true);
      expect(await verifyPassword(`${v.password}x`, v.hash), v.hash).toBe(false);
    }
  });

  it('is reproducible with a given salt, and refuses what is not a bcrypt hash', async () => {
    const salt = new Uint8Array(16).fill(7);
    expect(await hashPassword('pw-123456', salt)).toBe(await hashPassword('pw-123456', salt));
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$N=16384,r=8,p=1$AAAA$BBBB')).toBe(false);
  });
});

describe('accounts written in bulk', () => {
  it("sign in through the Auth face with the manifest's password, and not with a wrong one", async () => {
    expect(seeded.authWriter).toBe('sql');
    const user = seeded.world.user(3);
    const ok = await anon().auth.signInWithPassword({ email: user.email, password: seeded.world.password() });
    expect(ok.error).toBeNull();
    expect(ok.data.user?.id).toBe(uuidText(user.id));
    const wrong = await anon().auth.signInWithPassword({ email: user.email, password: `${seeded.world.password()}x` });
    expect(wrong.data.session).toBeNull();
    expect(wrong.error?.code).toBe('invalid_credentials');
  });

  it("carry one bcrypt hash per run, GoTrue's e-mail columns and an email identity", async () => {
    const { rows } = await db.pool.query<{ hashes: string; hash: string; nulls: string; confirmed: string }>(
      `select count(distinct encrypted_password) as hashes, min(encrypted_password) as hash,
              count(*) filter (where confirmation_token is null or recovery_token is null or email_change_token_new is null
                or email_change is null or email_change_token_current is null or phone_change is null
                or phone_change_token is null or reauthentication_token is null) as nulls,
              count(*) filter (where email_confirmed_at is not null and raw_app_meta_data ->> 'provider' = 'email') as confirmed
         from auth.users where id in (select user_id from kit_truth.users where run_id = $1)`,
      [seeded.runId],
    );
    expect(rows[0]).toMatchObject({ hashes: '1', nulls: '0', confirmed: String(seeded.params.users) });
    expect(rows[0]!.hash).toMatch(/^\$2a\$10\$/);
    expect(await verifyPassword(seeded.world.password(), rows[0]!.hash)).toBe(true);
    const identities = await db.pool.query<{ n: string; good: string }>(
      `select count(*) as n,
              count(*) filter (where i.provider = 'email' and i.provider_id = u.id::text and i.email = u.email
                and i.identity_data ->> 'sub' = u.id::text) as good
         from auth.identities i join auth.users u on u.id = i.user_id
        where u.id in (select user_id from kit_truth.users where run_id = $1)`,
      [seeded.runId],
    );
    expect(identities.rows[0]).toEqual({ n: String(seeded.params.users), good: String(seeded.params.users) });
  });

  it('a GoTrue-written hash stored in auth.users signs in through the Auth face', async () => {
    await db.pool.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'go@example.test', $1, now(),
               '{"provider":"email","providers":["email"]}', now(), now())`,
      [GO_VECTOR.hash],
    );
    const ok = await anon().auth.signInWithPassword({ email: 'go@example.test', password: GO_VECTOR.password });
    expect(ok.error).toBeNull();
    const wrong = await anon().auth.signInWithPassword({ email: 'go@example.test', password: 'allminf' });
    expect(wrong.error?.code).toBe('invalid_credentials');
  });
});
