/**
 * Creating and deleting the run's Auth accounts.
 *
 * `AdminApiAuth` goes through the Auth admin API with supabase-js, so the local stack and staging
 * take the same path (GoTrue hashes the password, fills its own columns). `SqlAuth` writes
 * auth.users with COPY and one password hash per run in the local Auth face's format
 * (stack/server/auth/passwords.ts): for the benchmark and for a local database without the API
 * server, never for staging (real GoTrue hashes with bcrypt).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type pg from 'pg';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { hashPassword } from '../stack/server/auth/passwords.ts';
import { BinaryCopyEncoder } from './copy/binary.ts';
import { copyChunks } from './copy/copy.ts';
import { authUsersTable, encodeRow } from './tables.ts';
import { uuidText, type Uuid } from './uuid.ts';

export interface AuthAccount {
  readonly id: Uuid;
  readonly email: string;
  readonly createdAt: number;
  readonly metadata: Record<string, unknown>;
}

export interface AuthWriter {
  readonly kind: 'admin-api' | 'sql';
  create(accounts: readonly AuthAccount[], password: string): Promise<void>;
  remove(ids: readonly string[]): Promise<number>;
}

const CONCURRENCY = 16;
const MAX_ATTEMPTS = 6;

/** Runs `fn` over items with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}

interface ApiFailure {
  status?: number;
  message: string;
  code?: string;
}

/** Retries 429 and 5xx (and network failures) with exponential backoff and jitter. */
async function withRetry(what: string, call: () => Promise<ApiFailure | null>, maxAttempts = MAX_ATTEMPTS): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const failure = await call();
    if (!failure) return;
    const retryable = failure.status === undefined || failure.status === 0 || failure.status === 429 || failure.status >= 500;
    if (!retryable || attempt >= maxAttempts) {
      if (failure.status === 401 || failure.status === 403) {
        throw new UsageError(`Auth admin API refused the service-role key (${failure.status} ${failure.message})`, [
          'Check SUPABASE_SERVICE_ROLE_KEY: it must be the project\'s service_role key (for the local stack it is derived from KIT_JWT_SECRET).',
        ]);
      }
      throw new EnvironmentError(`Auth admin API: ${what} failed after ${attempt} attempt(s): ${failure.status ?? 'network'} ${failure.message}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(8000, 200 * 2 ** attempt) * (0.5 + Math.random())));
  }
}

export class AdminApiAuth implements AuthWriter {
  readonly kind = 'admin-api' as const;
  private readonly client: SupabaseClient;

  constructor(readonly supabaseUrl: string, serviceRoleKey: string) {
    this.client = createClient(supabaseUrl, serviceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } });
  }

  /** One cheap admin call, so a wrong key or an unreachable server fails before any row is written. */
  async check(): Promise<void> {
    await withRetry('listing users', async () => {
      try {
        const { error } = await this.client.auth.admin.listUsers({ page: 1, perPage: 1 });
        return error ? { status: error.status, message: error.message } : null;
      } catch (e) {
        return { message: (e as Error).message };
      }
    }, 3).catch((error: unknown) => {
      if (error instanceof EnvironmentError) {
        throw new EnvironmentError(`cannot reach the Auth admin API at ${this.supabaseUrl}/auth/v1 (${error.message})`, [
          'Start the local stack (`npm run stack -- up`), fix SUPABASE_URL, or use --auth-writer sql on a local database.',
        ]);
      }
      throw error;
    });
  }

  async create(accounts: readonly AuthAccount[], password: string): Promise<void> {
    await pool(accounts, CONCURRENCY, (a) =>
      withRetry(`creating ${a.email}`, async () => {
        try {
          const { error } = await this.client.auth.admin.createUser({
            id: uuidText(a.id),
            email: a.email,
            password,
            email_confirm: true,
            user_metadata: a.metadata,
          });
          if (!error) return null;
          // A retried request whose first attempt did land: the account is ours already.
          if (error.status === 422 && /already|exists|registered/i.test(error.message)) return null;
          return { status: error.status, message: error.message };
        } catch (e) {
          return { message: (e as Error).message };
        }
      }),
    );
  }

  async remove(ids: readonly string[]): Promise<number> {
    let removed = 0;
    await pool(ids, CONCURRENCY, (id) =>
      withRetry(`deleting ${id}`, async () => {
        try {
          const { error } = await this.client.auth.admin.deleteUser(id);
          if (!error) {
            removed++;
            return null;
          }
          if (error.status === 404) return null;
          return { status: error.status, message: error.message };
        } catch (e) {
          return { message: (e as Error).message };
        }
      }),
    );
    return removed;
  }
}

const INSTANCE_ID = new Uint8Array(16);

export class SqlAuth implements AuthWriter {
  readonly kind = 'sql' as const;
  private hash: string | undefined;

  constructor(private readonly client: pg.Client) {}

  async create(accounts: readonly AuthAccount[], password: string): Promise<void> {
    if (accounts.length === 0) return;
    // One hash per run, in the local Auth face's format: hashing per user would dominate the seed.
    this.hash ??= await hashPassword(password);
    const enc = new BinaryCopyEncoder();
    for (const a of accounts) {
      encodeRow(enc, authUsersTable, {
        instance_id: INSTANCE_ID,
        id: a.id,
        aud: 'authenticated',
        role: 'authenticated',
        email: a.email,
        encrypted_password: this.hash,
        email_confirmed_at: a.createdAt,
        raw_app_meta_data: '{"provider":"email","providers":["email"]}',
        raw_user_meta_data: JSON.stringify(a.metadata),
        created_at: a.createdAt,
        updated_at: a.createdAt,
      });
    }
    await copyChunks(this.client, authUsersTable, enc.take());
  }

  async remove(ids: readonly string[]): Promise<number> {
    const result = await this.client.query('delete from auth.users where id = any($1::uuid[])', [ids]);
    return result.rowCount ?? 0;
  }
}
