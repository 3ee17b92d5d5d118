/**
 * The App API's database access, PostgREST-style: every request is ONE round trip, a simple-protocol
 * query string whose first statement sets the caller's role and JWT claims transaction-locally and
 * whose next statement does the work. A multi-statement simple query runs as one implicit
 * transaction, so the settings end with it and an error anywhere rolls back everything.
 *
 * Must know: the set_config is a statement of its own on purpose. Privileges and RLS are fixed when a
 * statement starts, so a set_config('role', ...) inside a CTE of the statement that reads a table
 * would leave that read running as `authenticator` (a silent bypass). Values are inlined as escaped
 * literals (`lit`), never concatenated raw.
 */

import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { authenticatorUrl } from '../../postgrest.ts';

/** Who a request runs as: the database role and the JWT claims PostgREST would set. */
export interface DbIdentity {
  readonly role: 'anon' | 'authenticated' | 'service_role';
  readonly claims: Readonly<Record<string, unknown>>;
}

export const ANON: DbIdentity = { role: 'anon', claims: { role: 'anon' } };
export const SERVICE: DbIdentity = { role: 'service_role', claims: { role: 'service_role' } };

/** A SQL literal for a value: strings escaped (E'' when they hold backslashes), numbers checked. */
export function lit(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  return pg.escapeLiteral(value);
}

/** A jsonb literal. */
export function jsonLit(value: unknown): string {
  return `${lit(JSON.stringify(value))}::jsonb`;
}

export interface DbResult<T> {
  readonly rows: T[];
  /** Milliseconds the round trip took, for the Server-Timing header. */
  readonly ms: number;
}

/** Extra transaction-local settings for one request (e.g. synchronous_commit). */
export type TransactionSettings = Readonly<Record<string, string>>;

/** The per-role statement timeouts db/migrations/0001_supabase_roles.sql sets (ALTER ROLE ... SET). */
const STATEMENT_TIMEOUT: Partial<Record<DbIdentity['role'], string>> = { anon: '3s', authenticated: '8s' };

/** Type parsers that return every value as the text PostgreSQL sent. */
const RAW_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

export class AppDatabase {
  readonly pool: pg.Pool;

  /** Logs in to the database of `databaseUrl` as `authenticator` with `authenticatorPassword`. */
  constructor(databaseUrl: string, authenticatorPassword: string, maxConnections = 10) {
    this.pool = new pg.Pool({
      connectionString: authenticatorUrl(databaseUrl, authenticatorPassword),
      max: maxConnections,
      application_name: 'aclue-app-api',
    });
    // An idle connection that dies (database restart) must not crash the server.
    this.pool.on('error', () => undefined);
  }

  /** Runs `statement` (one SQL statement, literals already escaped) as `identity`; returns its rows. */
  run<T extends object = Record<string, unknown>>(identity: DbIdentity, statement: string): Promise<DbResult<T>> {
    return this.execute<T>(identity, statement, undefined, {});
  }

  /** Like run, but every column comes back as the server's text, unparsed (JSON passed through as is). */
  runText(
    identity: DbIdentity,
    statement: string,
    settings: TransactionSettings = {},
  ): Promise<DbResult<Record<string, string | null>>> {
    return this.execute(identity, statement, RAW_TYPES, settings);
  }

  private async execute<T extends object>(
    identity: DbIdentity,
    statement: string,
    types: pg.CustomTypesConfig | undefined,
    settings: TransactionSettings,
  ): Promise<DbResult<T>> {
    const claims = JSON.stringify({ ...identity.claims, role: identity.role });
    // PostgREST also applies the impersonated role's own settings per transaction (SET ROLE does not).
    const timeout = STATEMENT_TIMEOUT[identity.role];
    const text =
      `select set_config('role', ${lit(identity.role)}, true), set_config('request.jwt.claims', ${lit(claims)}, true)` +
      (timeout === undefined ? '' : `, set_config('statement_timeout', ${lit(timeout)}, true)`) +
      Object.entries(settings)
        .map(([name, value]) => `, set_config(${lit(name)}, ${lit(value)}, true)`)
        .join('') +
      `;\n${statement}`;
    const started = performance.now();
    const result = (await this.pool.query(types ? { text, types } : text)) as unknown as
      | pg.QueryResult<T>[]
      | pg.QueryResult<T>;
    const ms = performance.now() - started;
    const results = Array.isArray(result) ? result : [result];
    return { rows: results[results.length - 1]?.rows ?? [], ms };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
