/**
 * The whole local stack: database (stack/database.ts), PostgREST (stack/postgrest.ts) and the kit's
 * API server (stack/server/main.ts as a background process). `up` starts whatever is not running,
 * so it is safe to repeat and it repairs a stack where one part crashed; `down` stops the server
 * first (draining requests), then PostgREST, then the database.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KitConfig } from '../lib/config.ts';
import { EnvironmentError } from '../lib/errors.ts';
import { repoRoot } from '../lib/paths.ts';
import { portInUse } from './cluster.ts';
import { runningPid, startDaemon, stopDaemon } from './daemon.ts';
import {
  type DatabaseStatus,
  databaseDown,
  databaseReset,
  databaseStatus,
  databaseTarget,
  databaseUp,
  type Log,
} from './database.ts';
import {
  type PostgrestOptions,
  type PostgrestStatus,
  postgrestStatus,
  postgrestUrl,
  startPostgrest,
  stopPostgrest,
} from './postgrest.ts';
import type { ServerOptions } from './server/app.ts';
import { type LocalKeys, localKeys, postgrestJwtSecret } from './server/keys.ts';

/** Re-exported for callers that found it here first; lib/config.ts owns it. */
export { LOCAL_POSTBACK_SECRET } from '../lib/config.ts';

const SERVER_MAIN = path.join(repoRoot, 'stack', 'server', 'main.ts');

export function apiPaths(config: KitConfig) {
  const dir = path.join(config.stateDir, 'api');
  // server.port: where the running server listens, for commands that must find it on a moved port (the demo).
  return {
    dir,
    pid: path.join(dir, 'server.pid'),
    log: path.join(dir, 'server.log'),
    port: path.join(dir, 'server.port'),
  };
}

export function postgrestOptionsFor(config: KitConfig): PostgrestOptions {
  return {
    dir: path.join(config.stateDir, 'postgrest'),
    databaseUrl: databaseTarget(config).url,
    jwtSecret: postgrestJwtSecret(config.jwtSecret, config.stackKeys),
    port: config.postgrest.port,
    authenticatorPassword: config.authenticatorPassword,
    pooled: databaseTarget(config).external,
  };
}

export function apiUrl(config: KitConfig): string {
  return `http://127.0.0.1:${config.api.port}`;
}

/** What the server process needs, derived from the parsed configuration (also used by main.ts). */
export function serverOptionsFor(config: KitConfig): Omit<ServerOptions, 'logger'> {
  return {
    databaseUrl: databaseTarget(config).url,
    authenticatorPassword: config.authenticatorPassword,
    postgrestUrl: postgrestUrl(config.postgrest.port),
    jwtSecret: config.jwtSecret,
    keyMode: config.stackKeys,
    publicUrl: apiUrl(config),
    postbackSecret: config.postbackSecret,
    attributionWindowDays: config.attributionWindowDays,
  };
}

/** Node 24 from the repo's `node` package (the system node may be older), else the current one. */
function nodeBinary(): string {
  const pinned = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}

/** The environment that makes the server process load the same configuration as this one. */
function serverEnv(config: KitConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KIT_STATE_DIR: config.stateDir,
    KIT_PG_PORT: String(config.pg.port),
    KIT_API_PORT: String(config.api.port),
    KIT_POSTGREST_PORT: String(config.postgrest.port),
    KIT_JWT_SECRET: config.jwtSecret,
    KIT_STACK_KEYS: config.stackKeys,
    KIT_AUTHENTICATOR_PASSWORD: config.authenticatorPassword,
  };
  if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

async function serverHealthy(config: KitConfig): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl(config)}/kit/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { service?: string };
    return response.ok && body.service === 'aclue-kit-api';
  } catch {
    return false;
  }
}

async function assertPortFree(port: number, setting: string, what: string): Promise<void> {
  if (await portInUse(port)) {
    throw new EnvironmentError(
      `${setting}: port ${port} on 127.0.0.1 is already used by another program, so ${what} cannot start`,
      [`Stop that program, or choose a free port with ${setting}.`],
    );
  }
}

export async function postgrestUp(config: KitConfig, log: Log): Promise<boolean> {
  const options = postgrestOptionsFor(config);
  const status = await postgrestStatus(options);
  if (!status.running) await assertPortFree(config.postgrest.port, 'KIT_POSTGREST_PORT', 'PostgREST');
  const { started } = await startPostgrest(options);
  if (started) log(`PostgREST started on ${postgrestUrl(config.postgrest.port)} (log ${status.log})`);
  return started;
}

export async function serverUp(config: KitConfig, log: Log): Promise<boolean> {
  const paths = apiPaths(config);
  if (runningPid(paths.pid, SERVER_MAIN) === undefined)
    await assertPortFree(config.api.port, 'KIT_API_PORT', 'the API server');
  const { started } = await startDaemon({
    name: 'API server',
    command: nodeBinary(),
    args: ['--import', 'tsx', SERVER_MAIN],
    cwd: repoRoot,
    env: serverEnv(config),
    pidFile: paths.pid,
    logFile: paths.log,
    marker: SERVER_MAIN,
    ready: () => serverHealthy(config),
    readyTimeoutMs: 60_000,
  });
  if (started) {
    writeFileSync(paths.port, `${config.api.port}\n`);
    log(`API server started on ${apiUrl(config)} (log ${paths.log})`);
  }
  return started;
}

/** The port this state folder's API server listens on while it runs, else undefined. */
export function runningServerPort(config: KitConfig): number | undefined {
  const paths = apiPaths(config);
  if (runningPid(paths.pid, SERVER_MAIN) === undefined || !existsSync(paths.port)) return undefined;
  const port = Number(readFileSync(paths.port, 'utf8').trim());
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

export async function serverDown(config: KitConfig, log: Log): Promise<boolean> {
  const stopped = await stopDaemon(apiPaths(config).pid, SERVER_MAIN, 30_000);
  log(stopped ? 'API server stopped' : 'API server was not running');
  return stopped;
}

export async function postgrestDown(config: KitConfig, log: Log): Promise<boolean> {
  const stopped = await stopPostgrest(postgrestOptionsFor(config).dir);
  log(stopped ? 'PostgREST stopped' : 'PostgREST was not running');
  return stopped;
}

export async function stackUp(config: KitConfig, log: Log): Promise<void> {
  const up = await databaseUp(config, log);
  if (up.applied.length === 0) log('migrations: up to date');
  await postgrestUp(config, log);
  await serverUp(config, log);
}

export async function stackDown(config: KitConfig, log: Log): Promise<void> {
  await serverDown(config, log);
  await postgrestDown(config, log);
  await databaseDown(config, log);
}

/** Rebuilds the database; PostgREST and the server are restarted around it so no pool points at the dropped database. */
export async function stackReset(config: KitConfig, log: Log): Promise<void> {
  await serverDown(config, log);
  await postgrestDown(config, log);
  await databaseReset(config, log);
  await postgrestUp(config, log);
  await serverUp(config, log);
}

export interface ServerStatus {
  readonly running: boolean;
  readonly pid: number | undefined;
  readonly healthy: boolean;
  readonly url: string;
  readonly version: string;
  readonly log: string;
}

function kitVersion(): string {
  const read = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  const fastify = read(path.join(repoRoot, 'node_modules', 'fastify', 'package.json'));
  return `kit ${read(path.join(repoRoot, 'package.json'))}, Fastify ${fastify}`;
}

export async function serverStatus(config: KitConfig): Promise<ServerStatus> {
  const paths = apiPaths(config);
  const pid = runningPid(paths.pid, SERVER_MAIN);
  const healthy = pid !== undefined && (await serverHealthy(config));
  return { running: pid !== undefined, pid, healthy, url: apiUrl(config), version: kitVersion(), log: paths.log };
}

export interface StackStatus {
  readonly database: DatabaseStatus;
  readonly postgrest: PostgrestStatus;
  readonly server: ServerStatus;
  readonly keys: Pick<LocalKeys, 'mode' | 'anonKey' | 'serviceRoleKey'>;
  /** Every part runs and answers. */
  readonly ok: boolean;
}

export async function stackStatus(config: KitConfig): Promise<StackStatus> {
  const [database, postgrest, server] = await Promise.all([
    databaseStatus(config),
    postgrestStatus(postgrestOptionsFor(config)),
    serverStatus(config),
  ]);
  return {
    database,
    postgrest,
    server,
    keys: await localKeys(config.jwtSecret, config.stackKeys),
    ok: database.running && postgrest.healthy && server.healthy,
  };
}
