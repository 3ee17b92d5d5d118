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
 * What a Supabase project already has, by migration: a file the platform owns is recorded without
 * running (its roles are reserved; GoTrue owns `auth` and its `auth.uid()`, `auth.role()`,
 * `auth.jwt()`), and a step only a superuser may take is cut out, with one line saying why and what to
 * do instead. Each `drop` must match its file exactly once (test/stack/migrate-supabase.test.ts).
 */
export const ON_SUPABASE: Readonly<Record<string, { readonly drop?: RegExp; readonly why: string }>> = {
  '0001_supabase_roles.sql': {
    why: 'the project has its own API roles (anon, authenticated, service_role, authenticator), reserved to the platform',
  },
  '0003_auth_schema.sql': {
    why: 'GoTrue owns the auth schema: its tables and its auth.uid(), auth.role(), auth.jwt() stay as they are',
  },
  '0004_public_schema_privileges.sql': {
    drop: /DO \$\$\s*BEGIN\s*EXECUTE format\('ALTER DATABASE %I SET pgrst\.db_schemas[\s\S]*?END\s*\$\$;/,
    why: "its ALTER DATABASE … SET pgrst.db_schemas needs a superuser: the project's exposed schemas are set in the dashboard (Settings > API > Exposed schemas: public, as the project has by default)",
  },
};

/** A Supabase project's database: GoTrue's own migrations ledger and the platform's admin role. */
export async function isSupabaseProject(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    `select to_regclass('auth.schema_migrations') is not null
        and exists (select 1 from pg_catalog.pg_roles where rolname = 'supabase_admin') as ok`,
  );
  return rows[0]?.ok === true;
}

/**
 * Applies every migration not yet recorded, each in its own transaction under a transaction-level
 * advisory lock (nothing held across transactions, so it works through a transaction-mode pooler):
 * two `stack up` at once cannot both apply a file. A recorded file whose content changed is an error:
 * the database no longer matches the repo and only `stack reset` can say which is right. On a
 * Supabase project what the platform owns is left alone (ON_SUPABASE).
 */
export async function migrate(client: pg.Client, log: (line: string) => void = () => {}): Promise<string[]> {
  const migrations = listMigrations();
  const supabase = await isSupabaseProject(client);
  if (supabase)
    log('database: a Supabase project (auth.schema_migrations, supabase_admin): its own roles and auth stay');
  await client.query(LEDGER);
  const done: string[] = [];
  for (const m of migrations) {
    const adapt = supabase ? ON_SUPABASE[m.name] : undefined;
    try {
      await client.query('begin');
      await client.query(`select pg_advisory_xact_lock(hashtext('aclue-kit:migrations'))`);
      const known = (
        await client.query<{ checksum: string }>('select checksum from kit_meta.schema_migrations where name = $1', [
          m.name,
        ])
      ).rows[0]?.checksum;
      if (known !== undefined) {
        await client.query('rollback');
        if (known !== m.checksum) {
          throw new EnvironmentError(`migration ${m.name} changed after it was applied to this database`, [
            'Run `npm run stack -- reset` to rebuild the local database from the migrations.',
          ]);
        }
        continue;
      }
      if (adapt === undefined) await client.query(m.sql);
      else if (adapt.drop) await client.query(m.sql.replace(adapt.drop, ''));
      await client.query('insert into kit_meta.schema_migrations (name, checksum) values ($1, $2)', [
        m.name,
        m.checksum,
      ]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if (error instanceof EnvironmentError) throw error;
      throw new EnvironmentError(`migration ${m.name} failed: ${(error as Error).message}`);
    }
    if (adapt === undefined) log(`applied ${m.name}`);
    else
      log(
        `${adapt.drop ? 'applied' : 'skipped'} ${m.name}${adapt.drop ? ' without one step' : ''} on a Supabase project: ${adapt.why}`,
      );
    done.push(m.name);
  }
  // PostgREST caches the schema; a changed schema must reach it (harmless when none listens).
  if (done.length > 0) await client.query(`notify pgrst, 'reload schema'`);
  return done;
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
