// Structural checks on the migrated schema, in the spirit of Supabase's splinter lints:
// RLS everywhere (0007/0013/0008), wrapped auth calls (0003), explicit roles, one permissive
// policy per role and action (0006), no duplicate indexes (0009: the security gate's own check,
// verify/sql/checks/security/0011_duplicate_indexes.sql, over public and the kit's auth schema),
// indexed FKs (0001).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFile, runCheck } from '../../verify/sql/run.ts';
import { freshDatabase } from '../support/db.ts';

type Db = Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await db?.close();
});

async function rows<T extends object>(sql: string): Promise<T[]> {
  return (await db.pool.query<T>(sql)).rows;
}

describe('RLS and index lint (public schema)', () => {
  it('every table has RLS enabled and at least one policy', async () => {
    const offenders = await rows<{ table: string; rls: boolean; policies: number }>(`
      select c.relname as table, c.relrowsecurity as rls,
             (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and (not c.relrowsecurity or not exists (select 1 from pg_policy p where p.polrelid = c.oid))
      order by 1`);
    expect(offenders).toEqual([]);
  });

  it('sees the 14 Aclue tables', async () => {
    const tables = await rows<{ n: number }>(`
      select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')`);
    expect(tables[0]?.n).toBe(14);
  });

  it('no policy calls auth.uid()/jwt()/role()/email() per row (unwrapped)', async () => {
    const policies = await rows<{
      tablename: string;
      policyname: string;
      qual: string | null;
      with_check: string | null;
    }>(`
      select tablename, policyname, qual, with_check from pg_policies where schemaname = 'public'`);
    // pg_policies deparses a wrapped call as "( SELECT auth.uid() AS uid)".
    const wrapped = /\(\s*SELECT\s+auth\.(uid|jwt|role|email)\(\)\s+AS\s+\1\s*\)/gi;
    const bare = /auth\.(uid|jwt|role|email)\(\)/i;
    const offenders = policies
      .filter((p) => [p.qual, p.with_check].some((expr) => expr !== null && bare.test(expr.replace(wrapped, ''))))
      .map((p) => `${p.tablename}.${p.policyname}`);
    expect(offenders).toEqual([]);
  });

  it('no policy applies to PUBLIC (every policy names its roles)', async () => {
    const offenders = await rows<{ tablename: string; policyname: string }>(`
      select tablename, policyname from pg_policies
      where schemaname = 'public' and 'public' = any (roles)`);
    expect(offenders).toEqual([]);
  });

  it('no permissive FOR ALL policy and one permissive policy per table, role and action', async () => {
    const forAll = await rows<{ tablename: string; policyname: string }>(`
      select tablename, policyname from pg_policies
      where schemaname = 'public' and permissive = 'PERMISSIVE' and cmd = 'ALL'`);
    expect(forAll).toEqual([]);
    const overlapping = await rows<{ tablename: string; role: string; cmd: string; n: number }>(`
      select tablename, role, cmd, count(*)::int as n
      from pg_policies, unnest(roles) as role
      where schemaname = 'public' and permissive = 'PERMISSIVE'
      group by 1, 2, 3 having count(*) > 1`);
    expect(overlapping).toEqual([]);
  });

  it('no permissive policy is an unconditional true', async () => {
    const offenders = await rows<{ tablename: string; policyname: string }>(`
      select tablename, policyname from pg_policies
      where schemaname = 'public' and permissive = 'PERMISSIVE'
        and (qual = 'true' or with_check = 'true')`);
    expect(offenders).toEqual([]);
  });

  it('has no duplicate indexes', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query("set local kit.lint_schemas = 'public, auth'");
      const duplicates = await runCheck(client, checkFile('security', 'duplicate_indexes'));
      expect(duplicates.map((d) => `${d.object}: ${d.detail}`)).toEqual([]);
      // The check sees the auth schema too: a copy of an auth index is found (and rolled back).
      await client.query('create index kit_lint_copy on auth.users (instance_id)');
      const planted = await runCheck(client, checkFile('security', 'duplicate_indexes'));
      expect(planted.map((d) => d.object)).toEqual(['auth.users']);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('every foreign key has an index whose leading columns are the FK columns', async () => {
    const unindexed = await rows<{ constraint: string }>(`
      select c.conrelid::regclass::text || '.' || c.conname as constraint
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname in ('public', 'auth')
        and not exists (
          select 1 from pg_index i
          where i.indrelid = c.conrelid
            and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
            and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey)
      order by 1`);
    expect(unindexed).toEqual([]);
  });
});
