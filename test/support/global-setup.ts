/**
 * Runs once per `vitest run`: brings the kit's database up (its own cluster, or DATABASE_URL) and
 * builds a migrated template database that every test file clones (test/support/db.ts).
 * Stops the cluster afterwards only if this run started it.
 */
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config.ts';
import { withClient } from '../../lib/pg/connect.ts';
import { databaseDown, databaseTarget, ensureServer } from '../../stack/database.ts';
import { migrate } from '../../stack/migrate.ts';
import { databaseUrlFor, templateDatabaseName } from './urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the database server the tests use (any database name). */
    serverUrl: string;
    /** The migrated template this run's test databases are cloned from. */
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const config = loadConfig();
  // Only the server: the stack's own database is left as it is (tests never touch it).
  const up = { url: databaseTarget(config).url, startedCluster: await ensureServer(config, () => undefined) };
  const template = templateDatabaseName(process.pid);
  await withClient(up.url, 'test database', async (client) => {
    await client.query(`drop database if exists ${template} with (force)`);
    await client.query(`create database ${template}`);
  });
  await withClient(databaseUrlFor(up.url, template), 'test template', (client) => migrate(client));
  project.provide('serverUrl', up.url);
  project.provide('templateDatabase', template);
  return async () => {
    await withClient(up.url, 'test database', (client) => client.query(`drop database if exists ${template} with (force)`));
    if (up.startedCluster) await databaseDown(config, () => undefined);
  };
}
