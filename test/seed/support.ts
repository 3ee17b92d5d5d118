/**
 * Helpers for the seed tests: a local target on a test database, and per-table checksums.
 */
import type pg from 'pg';
import { LOCAL_JWT_SECRET } from '../../lib/config.ts';
import type { SeedTarget } from '../../seed/target.ts';
import { localKeys } from '../../stack/server/keys.ts';

export async function localTarget(
  databaseUrl: string,
  supabaseUrl = 'http://127.0.0.1:9',
  serviceRoleKey?: string,
): Promise<SeedTarget> {
  const keys = await localKeys(LOCAL_JWT_SECRET);
  return {
    kind: 'local',
    databaseUrl,
    databaseSetting: 'test database',
    supabaseUrl,
    apiUrl: supabaseUrl,
    serviceRoleKey: serviceRoleKey ?? keys.serviceRoleKey,
    anonKey: keys.anonKey,
    tokenSigner: keys.signer,
  };
}

/** md5 over every row's text form, in a stable order; plus the row count. */
export async function checksum(pool: pg.Pool, table: string, where = 'true', params: unknown[] = []): Promise<string> {
  const r = await pool.query<{ sum: string | null; n: string }>(
    `select md5(string_agg(t::text, ',' order by t::text)) as sum, count(*) as n from ${table} t where ${where}`,
    params,
  );
  return `${r.rows[0]!.n}:${r.rows[0]!.sum ?? '-'}`;
}

export async function checksums(pool: pg.Pool, tables: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables) out[t] = await checksum(pool, t);
  return out;
}
