/**
 * A brand-new database per test file, cloned from the migrated template, dropped on close.
 * Tests never share rows, and nothing they do touches the stack's own `postgres` database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { withClient } from '../../lib/pg/connect.ts';
import { databaseUrlFor } from './urls.ts';

export interface TestDatabase {
  readonly name: string;
  /** Superuser URL of this database. */
  readonly url: string;
  /** Superuser pool on this database. */
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('serverUrl');
  const name = `kit_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, 'test database', async (client) => {
    await client.query(`create database ${name} template ${inject('templateDatabase')}`);
    // Database-level settings are not copied from a template; PostgREST and the lints read this one.
    await client.query(`alter database ${name} set pgrst.db_schemas = 'public'`);
  });
  const url = databaseUrlFor(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return {
    name,
    url,
    pool,
    async close() {
      await pool.end();
      await withClient(serverUrl, 'test database', (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}
