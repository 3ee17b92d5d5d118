/**
 * Creating and deleting the run's Auth accounts.
 *
 * `SqlAuth` (the default wherever the kit has a database URL for the target: the local stack, or
 * staging when the team gives one) writes the accounts in bulk, as GoTrue stores them: one bcrypt
 * hash per run (all seeded users share the manifest's password; the salt derives from the seed, so
 * the rows are reproducible), binary COPY into `auth.users` with the columns GoTrue fills for a
 * confirmed e-mail account, and, where the database has GoTrue's `auth.identities`, the matching
 * `email` identity. A real GoTrue and the kit's Auth face both accept the password.
 *
 * `AdminApiAuth` goes through the Auth admin API with supabase-js, for a target without a database
 * URL: the server hashes every password (about 0.1 s of CPU each at bcrypt cost 10), so it is
 * bounded by the server's CPU, runs 16 requests in flight and retries 429/5xx with backoff.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type pg from 'pg';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { mapInOrder } from '../lib/in-order.ts';
import { hashPassword } from '../lib/passwords.ts';
import { BinaryCopyEncoder, releaseChunks } from './copy/binary.ts';
import { copyChunks } from './copy/copy.ts';
import { authUsersTable, encodeRow } from './tables.ts';
import { type Uuid, uuidText } from './uuid.ts';

export interface AuthAccount {
  readonly id: Uuid;
  readonly email: string;
  readonly createdAt: number;
  readonly metadata: Record<string, unknown>;
}

export interface AuthWriter {
  readonly kind: 'admin-api' | 'sql';
  /** Creates the accounts; `created` is told the number created so far in this call, as it grows. */
  create(accounts: readonly AuthAccount[], password: string, created?: (n: number) => void): Promise<void>;
  remove(ids: readonly string[]): Promise<number>;
  /** Requests the writer repeated after a 429, 5xx or network failure (admin API only). */
  readonly retries: number;
}

const CONCURRENCY = 16;
const MAX_ATTEMPTS = 6;

interface ApiFailure {
  status?: number;
  message: string;
  code?: string;
}

/** Retries 429 and 5xx (and network failures) with exponential backoff and jitter. */
async function withRetry(
  what: string,
  call: () => Promise<ApiFailure | null>,
  maxAttempts = MAX_ATTEMPTS,
  retried: () => void = () => undefined,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const failure = await call();
    if (!failure) return;
    const retryable =
      failure.status === undefined || failure.status === 0 || failure.status === 429 || failure.status >= 500;
    if (!retryable || attempt >= maxAttempts) {
      if (failure.status === 401 || failure.status === 403) {
        throw new UsageError(`Auth admin API refused the service-role key (${failure.status} ${failure.message})`, [
          "Check SUPABASE_SERVICE_ROLE_KEY: it must be the project's service_role key (for the local stack it is derived from KIT_JWT_SECRET).",
        ]);
      }
      throw new EnvironmentError(
        `Auth admin API: ${what} failed after ${attempt} attempt(s): ${failure.status ?? 'network'} ${failure.message}`,
      );
    }
    retried();
    await new Promise((r) => setTimeout(r, Math.min(8000, 200 * 2 ** attempt) * (0.5 + Math.random())));
  }
}

export class AdminApiAuth implements AuthWriter {
  readonly kind = 'admin-api' as const;
  retries = 0;
  private readonly client: SupabaseClient;

  constructor(
    readonly supabaseUrl: string,
    serviceRoleKey: string,
  ) {
    this.client = createClient(supabaseUrl, serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    });
  }

  /** One cheap admin call, so a wrong key or an unreachable server fails before any row is written. */
  async check(): Promise<void> {
    await withRetry(
      'listing users',
      async () => {
        try {
          const { error } = await this.client.auth.admin.listUsers({ page: 1, perPage: 1 });
          return error ? { status: error.status, message: error.message } : null;
        } catch (e) {
          return { message: (e as Error).message };
        }
      },
      3,
    ).catch((error: unknown) => {
      if (error instanceof EnvironmentError) {
        throw new EnvironmentError(
          `cannot reach the Auth admin API at ${this.supabaseUrl}/auth/v1 (${error.message})`,
          [
            'Start the local stack (`npm run stack -- up`), fix SUPABASE_URL, or use --auth-writer sql on a local database.',
          ],
        );
      }
      throw error;
    });
  }

  async create(
    accounts: readonly AuthAccount[],
    password: string,
    created: (n: number) => void = () => undefined,
  ): Promise<void> {
    let done = 0;
    const retried = () => this.retries++;
    await mapInOrder(accounts, CONCURRENCY, async (a) => {
      await withRetry(
        `creating ${a.email}`,
        async () => {
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
        },
        MAX_ATTEMPTS,
        retried,
      );
      created(++done);
    });
  }

  async remove(ids: readonly string[]): Promise<number> {
    let removed = 0;
    await mapInOrder(ids, CONCURRENCY, (id) =>
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
const EMAIL_APP_METADATA = '{"provider":"email","providers":["email"]}';

/** GoTrue's `auth.identities` as this database has it, or none (the kit's local schema has none). */
type Identities = 'none' | 'provider_id' | 'legacy';

/** What the writers of one run share: the run's one hash and the identities table's shape. */
interface SqlAuthShared {
  hash?: Promise<{ password: string; hash: string }>;
  identities?: Promise<Identities>;
  /** COPY time of auth.users and auth.identities (ms) over every writer, apart from the hash. */
  copyMs: number;
}

export class SqlAuth implements AuthWriter {
  readonly kind = 'sql' as const;
  readonly retries = 0;

  /** `salt`: 16 bytes for the run's one bcrypt hash (derived from the seed, so the rows are reproducible). */
  constructor(
    private readonly client: pg.Client,
    private readonly salt?: Uint8Array,
    private readonly shared: SqlAuthShared = { copyMs: 0 },
  ) {}

  /** COPY time of auth.users and auth.identities (ms) over every writer of the run. */
  get copyMs(): number {
    return this.shared.copyMs;
  }

  /** A writer over another connection of the same run, sharing its one hash. */
  on(client: pg.Client): SqlAuth {
    return new SqlAuth(client, this.salt, this.shared);
  }

  private async identitiesShape(): Promise<Identities> {
    const { rows } = await this.client.query<{ column_name: string }>(
      `select column_name from information_schema.columns where table_schema = 'auth' and table_name = 'identities'`,
    );
    if (rows.length === 0) return 'none';
    return rows.some((r) => r.column_name === 'provider_id') ? 'provider_id' : 'legacy';
  }

  async create(
    accounts: readonly AuthAccount[],
    password: string,
    created: (n: number) => void = () => undefined,
  ): Promise<void> {
    if (accounts.length === 0) return;
    // One bcrypt hash per run: every seeded user has the manifest's password.
    if (this.shared.hash === undefined || (await this.shared.hash).password !== password) {
      const salt = this.salt;
      this.shared.hash = hashPassword(password, salt).then((hash) => ({ password, hash }));
    }
    const { hash } = await this.shared.hash;
    this.shared.identities ??= this.identitiesShape();
    const identities = await this.shared.identities;
    const started = performance.now();
    const enc = new BinaryCopyEncoder();
    for (const a of accounts) {
      encodeRow(enc, authUsersTable, {
        instance_id: INSTANCE_ID,
        id: a.id,
        aud: 'authenticated',
        role: 'authenticated',
        email: a.email,
        encrypted_password: hash,
        email_confirmed_at: a.createdAt,
        // GoTrue scans these into Go strings: '' where it has no value, never NULL.
        confirmation_token: '',
        recovery_token: '',
        email_change_token_new: '',
        email_change_token_current: '',
        email_change: '',
        phone_change: '',
        phone_change_token: '',
        reauthentication_token: '',
        raw_app_meta_data: EMAIL_APP_METADATA,
        raw_user_meta_data: JSON.stringify(a.metadata),
        created_at: a.createdAt,
        updated_at: a.createdAt,
        is_sso_user: false,
        is_anonymous: false,
      });
    }
    const chunks = enc.take();
    await copyChunks(this.client, authUsersTable, chunks);
    releaseChunks(chunks);
    if (identities !== 'none') {
      // GoTrue's identity of an e-mail account: provider 'email', keyed by the user id, with the
      // claims GoTrue stores. Set-based from the rows just written, whatever the identities version.
      const ids = accounts.map((a) => uuidText(a.id));
      const data = `jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false)`;
      await this.client.query(
        identities === 'provider_id'
          ? `insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
             select u.id, u.id::text, u.id, ${data}, 'email', u.created_at, u.created_at, u.updated_at from auth.users u where u.id = any($1::uuid[])`
          : `insert into auth.identities (id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
             select u.id::text, u.id, ${data}, 'email', u.created_at, u.created_at, u.updated_at from auth.users u where u.id = any($1::uuid[])`,
        [ids],
      );
    }
    this.shared.copyMs += performance.now() - started;
    created(accounts.length);
  }

  async remove(ids: readonly string[]): Promise<number> {
    // auth.identities and auth.sessions go with their user (ON DELETE CASCADE, as in GoTrue).
    const result = await this.client.query('delete from auth.users where id = any($1::uuid[])', [ids]);
    return result.rowCount ?? 0;
  }
}
