/**
 * The database part of the local stack: either the kit's own cluster or, when DATABASE_URL is set,
 * an existing server that the kit only migrates.
 */
import type { KitConfig } from '../lib/config.ts';
import { UsageError } from '../lib/errors.ts';
import { redactUrl, withClient } from '../lib/pg/connect.ts';
import {
  clusterPaths,
  initCluster,
  isInitialised,
  isRunning,
  localDatabaseUrl,
  startCluster,
  stopCluster,
} from './cluster.ts';
import { type MigrationState, migrate, migrationStatus } from './migrate.ts';
import { findPostgres } from './postgres-binaries.ts';

export type Log = (line: string) => void;

/** Where the kit's database is, and which setting named it (for error messages). */
export function databaseTarget(config: KitConfig): { url: string; setting: string; external: boolean } {
  return config.databaseUrl
    ? { url: config.databaseUrl, setting: 'DATABASE_URL', external: true }
    : { url: localDatabaseUrl(config), setting: "KIT_PG_PORT (the kit's cluster)", external: false };
}

export interface DatabaseUp {
  readonly url: string;
  readonly startedCluster: boolean;
  readonly applied: readonly string[];
}

/** Initialises and starts the kit's cluster when it is the target; true when this call started it. */
export async function ensureServer(config: KitConfig, log: Log): Promise<boolean> {
  if (config.databaseUrl) return false;
  const pg = await findPostgres(config.pg.bindir);
  await initCluster(config, pg, log);
  return startCluster(config, pg, log);
}

export async function databaseUp(config: KitConfig, log: Log): Promise<DatabaseUp> {
  const target = databaseTarget(config);
  const startedCluster = await ensureServer(config, log);
  const applied = await withClient(target.url, target.setting, (client) => migrate(client, log));
  return { url: target.url, startedCluster, applied };
}

export async function databaseDown(config: KitConfig, log: Log): Promise<void> {
  if (config.databaseUrl) {
    log(
      `database: DATABASE_URL points at ${redactUrl(config.databaseUrl)}; the kit did not start it and leaves it running`,
    );
    return;
  }
  const pg = await findPostgres(config.pg.bindir);
  const stopped = await stopCluster(pg, clusterPaths(config));
  log(stopped ? 'PostgreSQL stopped' : 'PostgreSQL was not running');
}

export interface DatabaseStatus {
  readonly where: string;
  readonly running: boolean;
  readonly serverVersion: string | undefined;
  readonly dataDir: string | undefined;
  readonly migrations: readonly MigrationState[];
}

export async function databaseStatus(config: KitConfig): Promise<DatabaseStatus> {
  const target = databaseTarget(config);
  let dataDir: string | undefined;
  if (!target.external) {
    const paths = clusterPaths(config);
    dataDir = isInitialised(paths) ? paths.data : undefined;
    const pg = await findPostgres(config.pg.bindir);
    if (!(await isRunning(pg, paths))) {
      return { where: redactUrl(target.url), running: false, serverVersion: undefined, dataDir, migrations: [] };
    }
  }
  return withClient(target.url, target.setting, async (client) => {
    const version = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v;
    return {
      where: redactUrl(target.url),
      running: true,
      serverVersion: version,
      dataDir,
      migrations: await migrationStatus(client),
    };
  });
}

/** Drops and recreates the kit's database, then migrates it. Refused on a database the kit does not own. */
export async function databaseReset(config: KitConfig, log: Log): Promise<DatabaseUp> {
  if (config.databaseUrl) {
    throw new UsageError(
      "reset only works on the kit's own cluster; DATABASE_URL points at a database the kit does not own",
      ['Unset DATABASE_URL to reset the local cluster, or drop that database yourself.'],
    );
  }
  // No migration before the drop: the old database may not match the migrations any more.
  const startedCluster = await ensureServer(config, log);
  await withClient(localDatabaseUrl(config, 'template1'), "KIT_PG_PORT (the kit's cluster)", async (client) => {
    await client.query('drop database if exists postgres with (force)');
    await client.query('create database postgres');
  });
  log('database postgres dropped and recreated');
  const applied = await withClient(localDatabaseUrl(config), 'KIT_PG_PORT', (client) => migrate(client, log));
  return { url: localDatabaseUrl(config), startedCluster, applied };
}
