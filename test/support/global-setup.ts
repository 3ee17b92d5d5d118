/**
 * Runs once per `vitest run`: brings up the test run's own database server (test/support/test-cluster.ts:
 * a cluster on a free port in its own folder, or DATABASE_URL) and builds a migrated template
 * database that every test file clones (test/support/db.ts). The stack's ports and state folder are
 * never used, so the suite runs beside a running stack or `supabase start`.
 * Afterwards the cluster is stopped unless another test run of this checkout still uses it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config.ts';
import { withClient } from '../../lib/pg/connect.ts';
import { isAlive } from '../../stack/daemon.ts';
import { migrate } from '../../stack/migrate.ts';
import { type TestCluster, testClusterUp } from './test-cluster.ts';
import { databaseUrlFor, TEMPLATE_PREFIX, templateDatabaseName } from './urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the database server the tests use (any database name). */
    serverUrl: string;
    /** The migrated template this run's test databases are cloned from. */
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const template = templateDatabaseName(process.pid);
  const server = await serverWithTemplate(template);
  try {
    await withClient(databaseUrlFor(server.url, template), 'test template', (client) => migrate(client));
  } catch (error) {
    await stopUnlessShared(server, template).catch(() => undefined); // the migration's error is the one to show
    throw error;
  }
  project.provide('serverUrl', server.url);
  project.provide('templateDatabase', template);
  return () => stopUnlessShared(server, template);
}

/**
 * The test cluster with this run's (empty) template on it. A few tries: a cluster that another run
 * of this checkout is starting refuses connections for a moment, and one it is stopping goes away.
 */
async function serverWithTemplate(template: string): Promise<TestCluster> {
  for (let attempt = 1; ; attempt += 1) {
    const server = await testClusterUp(loadConfig());
    try {
      await withClient(server.url, 'test database', async (client) => {
        await client.query(`drop database if exists ${template} with (force)`);
        await client.query(`create database ${template}`);
      });
      return server;
    } catch (error) {
      if (attempt === 3) throw error;
      await sleep(1_000);
    }
  }
}

/** Drops this run's template; stops the cluster when no other live test run has a template on it. */
async function stopUnlessShared(server: TestCluster, template: string): Promise<void> {
  const others = await withClient(server.url, 'test database', async (client) => {
    await client.query(`drop database if exists ${template} with (force)`);
    const rows = (
      await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [
        TEMPLATE_PREFIX,
      ])
    ).rows;
    return rows
      .map((r) => Number(r.datname.slice(TEMPLATE_PREFIX.length)))
      .filter((pid) => pid !== process.pid && isAlive(pid));
  });
  if (others.length === 0) await server.stop();
}
