import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { EnvironmentError } from '../lib/errors.ts';
import { migrationsDir } from '../lib/paths.ts';

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationState {
  readonly name: string;
  readonly appliedAt: Date | undefined;
}

/** The migration files, in the order they apply (by name: NNNN_concern.sql). */
export function listMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return { name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const LEDGER = `
  create schema if not exists kit_meta;
  revoke all on schema kit_meta from public;
  create table if not exists kit_meta.schema_migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  );`;

/**
 * Applies every migration not yet recorded, each in its own transaction, under an advisory lock so
 * two `stack up` at once cannot both apply a file. A recorded file whose content changed is an error:
 * the database no longer matches the repo and only `stack reset` can say which is right.
 */
export async function migrate(client: pg.Client, log: (line: string) => void = () => {}): Promise<string[]> {
  const migrations = listMigrations();
  await client.query(LEDGER);
  await client.query(`select pg_advisory_lock(hashtext('aclue-kit:migrations'))`);
  try {
    const applied = await appliedChecksums(client);
    const done: string[] = [];
    for (const m of migrations) {
      const known = applied.get(m.name);
      if (known !== undefined) {
        if (known !== m.checksum) {
          throw new EnvironmentError(`migration ${m.name} changed after it was applied to this database`, [
            'Run `npm run stack -- reset` to rebuild the local database from the migrations.',
          ]);
        }
        continue;
      }
      try {
        await client.query('begin');
        await client.query(m.sql);
        await client.query('insert into kit_meta.schema_migrations (name, checksum) values ($1, $2)', [
          m.name,
          m.checksum,
        ]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw new EnvironmentError(`migration ${m.name} failed: ${(error as Error).message}`);
      }
      log(`applied ${m.name}`);
      done.push(m.name);
    }
    // PostgREST caches the schema; a changed schema must reach it (harmless when none listens).
    if (done.length > 0) await client.query(`notify pgrst, 'reload schema'`);
    return done;
  } finally {
    await client.query(`select pg_advisory_unlock(hashtext('aclue-kit:migrations'))`);
  }
}

export async function migrationStatus(client: pg.Client): Promise<MigrationState[]> {
  const exists = await client.query(`select to_regclass('kit_meta.schema_migrations') is not null as ok`);
  const rows = exists.rows[0]?.ok
    ? (
        await client.query<{ name: string; applied_at: Date }>(
          'select name, applied_at from kit_meta.schema_migrations',
        )
      ).rows
    : [];
  const byName = new Map(rows.map((r) => [r.name, r.applied_at]));
  return listMigrations().map((m) => ({ name: m.name, appliedAt: byName.get(m.name) }));
}

async function appliedChecksums(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; checksum: string }>(
    'select name, checksum from kit_meta.schema_migrations',
  );
  return new Map(rows.map((r) => [r.name, r.checksum]));
}
