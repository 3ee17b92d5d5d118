/**
 * auth.users rows and GoTrue's JSON shape of a user, as supabase-js's `User` type expects it.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../../lib/passwords.ts';
import type { Queryable } from './db.ts';
import { badRequest, unprocessable } from './errors.ts';

/** GoTrue's instance id for single-instance deployments (all zeros). */
export const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';
export const AUDIENCE = 'authenticated';
export const MIN_PASSWORD_LENGTH = 6;

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  phone: string | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date | null;
  updated_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
}

const COLUMNS = `id, aud, role, email, encrypted_password, email_confirmed_at, phone, phone_confirmed_at, confirmed_at,
  last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until, deleted_at, is_anonymous`;

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

/** The user object GoTrue returns (fields it omits when empty are omitted here too). */
export function userJson(row: UserRow): Record<string, unknown> {
  const identity = row.email
    ? [
        {
          identity_id: row.id,
          id: row.id,
          user_id: row.id,
          identity_data: {
            email: row.email,
            email_verified: row.email_confirmed_at !== null,
            phone_verified: false,
            sub: row.id,
          },
          provider: 'email',
          last_sign_in_at: iso(row.last_sign_in_at ?? row.created_at),
          created_at: iso(row.created_at),
          updated_at: iso(row.updated_at),
          email: row.email,
        },
      ]
    : [];
  const user: Record<string, unknown> = {
    id: row.id,
    aud: row.aud ?? AUDIENCE,
    role: row.role ?? 'authenticated',
    email: row.email ?? '',
    email_confirmed_at: iso(row.email_confirmed_at),
    phone: row.phone ?? '',
    phone_confirmed_at: iso(row.phone_confirmed_at),
    confirmed_at: iso(row.confirmed_at),
    last_sign_in_at: iso(row.last_sign_in_at),
    app_metadata: row.raw_app_meta_data ?? {},
    user_metadata: row.raw_user_meta_data ?? {},
    identities: identity,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    banned_until: iso(row.banned_until),
    is_anonymous: row.is_anonymous,
  };
  for (const key of Object.keys(user)) if (user[key] === undefined) delete user[key];
  return user;
}

// GoTrue validates with a permissive pattern too; the point is to refuse obvious garbage.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(email: unknown): string {
  if (typeof email !== 'string' || !EMAIL.test(email.trim())) {
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
  }
  return email.trim().toLowerCase();
}

export function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw unprocessable('weak_password', `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, {
      weak_password: { reasons: ['length'] },
    });
  }
  return password;
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(`select ${COLUMNS} from auth.users where id = $1 and deleted_at is null`, [
    id,
  ]);
  return rows[0];
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    `select ${COLUMNS} from auth.users where instance_id = $1 and lower(email) = $2 and is_sso_user = false and deleted_at is null`,
    [INSTANCE_ID, email],
  );
  return rows[0];
}

export interface NewUser {
  readonly id?: string;
  readonly email: string;
  readonly password?: string;
  readonly emailConfirmed: boolean;
  readonly userMetadata: Record<string, unknown>;
  readonly appMetadata: Record<string, unknown>;
  readonly role?: string;
}

/** Inserts a user; 422 email_exists when the e-mail is taken (checked by the unique index, race-free). */
export async function createUser(db: Queryable, user: NewUser): Promise<UserRow> {
  const encrypted = user.password === undefined ? '' : await hashPassword(user.password);
  const appMetadata = { provider: 'email', providers: ['email'], ...user.appMetadata };
  try {
    const { rows } = await db.query<UserRow>(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
       values ($1, $2, $3, $4, $5, $6, case when $7 then now() end, $8, $9, now(), now(), false, false)
       returning ${COLUMNS}`,
      [
        INSTANCE_ID,
        user.id ?? randomUUID(),
        AUDIENCE,
        user.role ?? 'authenticated',
        user.email,
        encrypted,
        user.emailConfirmed,
        appMetadata,
        user.userMetadata,
      ],
    );
    return rows[0]!;
  } catch (error) {
    const e = error as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'users_pkey')
      throw unprocessable('user_already_exists', 'User already registered');
    if (e.code === '23505')
      throw unprocessable('email_exists', 'A user with this email address has already been registered');
    if (e.code === '22P02') throw badRequest('validation_failed', 'Invalid user id: expected a UUID');
    throw error;
  }
}

export async function listUsers(
  db: Queryable,
  page: number,
  perPage: number,
): Promise<{ users: UserRow[]; total: number }> {
  const { rows } = await db.query<UserRow & { total: string }>(
    `select ${COLUMNS}, count(*) over () as total from auth.users where deleted_at is null
     order by created_at desc, id limit $1 offset $2`,
    [perPage, (page - 1) * perPage],
  );
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && page > 1) {
    total = Number(
      (await db.query<{ n: string }>('select count(*) as n from auth.users where deleted_at is null')).rows[0]?.n ?? 0,
    );
  }
  return { users: rows, total };
}

export async function deleteUser(db: Queryable, id: string): Promise<boolean> {
  // Refresh tokens carry no FK (GoTrue's schema); sessions and public rows cascade.
  await db.query('delete from auth.refresh_tokens where user_id = $1', [id]);
  const { rowCount } = await db.query('delete from auth.users where id = $1', [id]);
  return (rowCount ?? 0) > 0;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
