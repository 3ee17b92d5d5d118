/**
 * Which deployment a piece of evidence belongs to. A target is the app's base URL, the Supabase
 * project's URL (Data API and Auth) and the database; every run folder (load.json,
 * rollback-drill.json, a seed result, a report's summary.json) records its identity, and verify judges
 * only evidence of the target it is judging. The database is known by its cluster's
 * `system_identifier` and the database name, so the same database reached directly or through a
 * pooler is the same target; its host is kept for people to read. Never a user name or password.
 */
import type { KitConfig } from './config.ts';
import { withClient } from './pg/connect.ts';

export interface DatabaseIdentity {
  /** `pg_control_system().system_identifier`, as text (a 64-bit number); null when it may not be read. */
  readonly systemIdentifier: string | null;
  readonly name: string;
  /** `host:port` as connected to (a pooler's, when it goes through one). */
  readonly host: string;
}

export interface TargetIdentity {
  /** The App API's base URL (routes under /api/v1); null when the command had none. */
  readonly appUrl: string | null;
  /** The Supabase project's base URL (/rest/v1, /auth/v1); null when the command had none. */
  readonly supabaseUrl: string | null;
  /** null when the database could not be reached. */
  readonly database: DatabaseIdentity | null;
}

/** What `query` needs: a pg Client or Pool. */
interface Queryable {
  query<R extends Record<string, unknown>>(sql: string): Promise<{ rows: R[] }>;
}

/** The local stack's one origin (gateway, Auth and App API on one port). */
export function localApiUrl(config: KitConfig): string {
  return `http://127.0.0.1:${config.api.port}`;
}

/**
 * The target's two URLs from the settings, declared once: `KIT_APP_URL` and `SUPABASE_URL`; without
 * `SUPABASE_URL` the local stack fills in both. With `SUPABASE_URL` but no `KIT_APP_URL` the app's host
 * is unknown (a Supabase project does not serve /api/v1): appUrl is undefined.
 */
export function targetUrls(config: KitConfig): { readonly appUrl: string | undefined; readonly supabaseUrl: string } {
  const supabaseUrl = config.supabase.url ?? localApiUrl(config);
  const appUrl = config.appUrl ?? (config.supabase.url === undefined ? localApiUrl(config) : undefined);
  return { appUrl, supabaseUrl };
}

/** The database's identity over an open connection (one query, nothing changed). */
export async function databaseIdentity(db: Queryable, url: string): Promise<DatabaseIdentity> {
  const name = (await db.query<{ name: string }>('select current_database() as name')).rows[0]?.name ?? '';
  let systemIdentifier: string | null = null;
  try {
    const row = (await db.query<{ id: string }>('select system_identifier::text as id from pg_control_system()'))
      .rows[0];
    systemIdentifier = row?.id ?? null;
  } catch {
    // Some hosted roles may not call pg_control_system(): the host and name then stand for the database.
  }
  return { systemIdentifier, name, host: hostOf(url) };
}

/**
 * The identity of the target a command works on: its URLs as given and its database, connected to
 * once; `database` is null when it cannot be reached (the command says so itself).
 */
export async function readTargetIdentity(
  urls: { readonly appUrl: string | undefined; readonly supabaseUrl: string | undefined },
  databaseUrl: string,
): Promise<TargetIdentity> {
  const database = await withClient(databaseUrl, 'DATABASE_URL', (client) =>
    databaseIdentity(client, databaseUrl),
  ).catch(() => null);
  return { appUrl: urls.appUrl ?? null, supabaseUrl: urls.supabaseUrl ?? null, database };
}

/** `host:port` of a connection URL (default port 5432), without user or password. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return 'unknown';
  }
}

function normalUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return url.replace(/\/+$/, '').toLowerCase();
  }
}

function sameDatabase(a: DatabaseIdentity, b: DatabaseIdentity): boolean {
  if (a.name !== b.name) return false;
  if (a.systemIdentifier !== null && b.systemIdentifier !== null) return a.systemIdentifier === b.systemIdentifier;
  return a.host === b.host;
}

/** One line naming a target, for messages: "app …, Supabase …, database postgres on host:port (system …)". */
export function describeTarget(t: TargetIdentity): string {
  const db = t.database
    ? `database ${t.database.name} on ${t.database.host}${t.database.systemIdentifier ? ` (system ${t.database.systemIdentifier})` : ''}`
    : 'database unknown';
  return `app ${t.appUrl ?? 'none'}, Supabase ${t.supabaseUrl ?? 'none'}, ${db}`;
}

/**
 * Which parts of two identities differ, as "database", "app URL", "Supabase URL"; a part either side
 * does not know is not compared. Empty: the same target.
 */
export function differences(a: TargetIdentity, b: TargetIdentity): string[] {
  const out: string[] = [];
  if (a.database && b.database && !sameDatabase(a.database, b.database)) out.push('database');
  if (a.appUrl && b.appUrl && normalUrl(a.appUrl) !== normalUrl(b.appUrl)) out.push('app URL');
  if (a.supabaseUrl && b.supabaseUrl && normalUrl(a.supabaseUrl) !== normalUrl(b.supabaseUrl)) out.push('Supabase URL');
  return out;
}

/**
 * Why `what` (a run, drill or baseline) may not be judged as evidence of `current`, naming both
 * targets; undefined when it belongs to it. Evidence that records no identity (written before the
 * kit recorded one) is let through: nothing says it is another target's.
 */
export function foreignEvidence(
  what: string,
  recorded: TargetIdentity | undefined,
  current: TargetIdentity | undefined,
): string | undefined {
  if (recorded === undefined || current === undefined) return undefined;
  const differ = differences(recorded, current);
  if (differ.length === 0) return undefined;
  return `${what} belongs to another target (${differ.join(', ')} differ${differ.length === 1 ? 's' : ''}): it was made against ${describeTarget(recorded)}; this verify judges ${describeTarget(current)}`;
}

/** A recorded identity read back from JSON, or undefined when the value is not one. */
export function parseTargetIdentity(value: unknown): TargetIdentity | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' ? x : null);
  const db = v['database'] as Record<string, unknown> | null | undefined;
  const database =
    db !== null && typeof db === 'object' && typeof db['name'] === 'string'
      ? { systemIdentifier: text(db['systemIdentifier']), name: db['name'], host: text(db['host']) ?? 'unknown' }
      : null;
  if (!('appUrl' in v) && !('supabaseUrl' in v) && database === null) return undefined;
  return { appUrl: text(v['appUrl']), supabaseUrl: text(v['supabaseUrl']), database };
}
