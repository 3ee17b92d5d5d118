// The fix-it migration: on a database carrying the real Aclue project's
// defects, in the shapes its own SQL writes them, verify writes fixes.sql with a block per finding;
// every block is proved safe on a copy and in a rolled-back transaction; the file applied to a copy
// clears every named finding and opens no RLS cell; the original is unchanged. A merge that widens
// access is reported not safe and left commented out.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDatabase } from '../../drill/scratch.ts';
import { loadConfig } from '../../lib/config.ts';
import { withClient } from '../../lib/pg/connect.ts';
import { probeRlsMatrix } from '../../lib/pg/rls-probe.ts';
import { findingKey } from '../../verify/fixes/block.ts';
import { findingsWithin } from '../../verify/fixes/findings.ts';
import { planFixes } from '../../verify/fixes/generate.ts';
import { proveOnCopy } from '../../verify/fixes/prove.ts';
import { FIXES_FILE, fixIt } from '../../verify/fixes/run.ts';
import { runLints } from '../../verify/gates/security.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { runScript } from '../support/run-script.ts';
import { testContext } from './context.ts';

// The project's defects (docs/schema-departures.md), as its `database/*.sql` files write them.
const ACLUE_DEFECTS = `
  -- P: profiles policies without TO, auth.uid() per row, "Service role full access" open to every role.
  create policy "Users can view own profile" on public.profiles for select using (auth.uid() = id);
  create policy "Users can update own profile" on public.profiles for update using (auth.uid() = id);
  create policy "Service role full access" on public.profiles for all using (true);
  -- F/E: anon may insert any users row.
  create policy "Allow anon insert" on public.users for insert to anon with check (true);
  -- 02: anonymous analytics rows readable by every client.
  create policy "Users can view own clicks" on public.affiliate_clicks for select using ((select auth.uid()) = user_id or user_id is null);
  -- N: per-row auth.role().
  create policy "Service role can manage newsletter signups" on public.newsletter_signups for all using (auth.role() = 'service_role');
  -- The owner path of the always-true fix (a shape of E's "users can edit their own ML features",
  -- opened to every row): no other UPDATE policy, so the true becomes the owner clause.
  create policy "Users can update feedback" on public.recommendation_feedback for update to authenticated using (true) with check (true);
  -- S/PW, P, 03: duplicate indexes beside the UNIQUE constraints.
  create index idx_users_email on public.users (email);
  create index profiles_email_idx on public.profiles (email);
  create index idx_session_analytics_session_id on public.session_analytics (session_id);
  -- S alone: products.category_id without its index.
  drop index public.idx_products_category;
  -- get_connection_stats, which the project's scripts call but never define: here SECURITY DEFINER,
  -- executable by anon through PUBLIC, mutable search_path.
  create function public.get_connection_stats() returns bigint language sql security definer as $$ select count(*) from pg_stat_activity $$;
  -- DATABASE_DEPLOYMENT_CHECKLIST.md: its performance_monitoring_view was never defined.
  drop view public.performance_monitoring_view;
  -- E: gift links managed by their owner FOR ALL, beside a FOR SELECT policy on live links.
  drop policy gift_links_select_own on public.gift_links;
  drop policy gift_links_insert_own on public.gift_links;
  drop policy gift_links_update_own on public.gift_links;
  drop policy gift_links_delete_own on public.gift_links;
  create policy "Users can manage own gift links" on public.gift_links for all to authenticated using ((select auth.uid()) = user_id);
  create policy "Anyone can view active gift links" on public.gift_links for select to anon, authenticated using (is_active and expires_at > now());
`;

// Two policies whose merge gives authenticated the anon policy's USING (true).
const WIDENING = `
  create policy "Anon can read campaign clicks" on public.affiliate_clicks for select to anon using (true);
  create policy "Clicks readable by owner" on public.affiliate_clicks for select to anon, authenticated using ((select auth.uid()) = user_id);
`;

let defects: TestDatabase;
let widening: TestDatabase;
let clean: TestDatabase;

beforeAll(async () => {
  [defects, widening, clean] = await Promise.all([freshDatabase(), freshDatabase(), freshDatabase()]);
  // Copying a database closes its sessions; the pools reconnect.
  for (const db of [defects, widening]) db.pool.on('error', () => undefined);
  await defects.pool.query(ACLUE_DEFECTS);
  await widening.pool.query(WIDENING);
});

afterAll(async () => {
  await Promise.all([defects?.close(), widening?.close(), clean?.close()]);
});

const contextFor = (db: TestDatabase) =>
  testContext(db.pool, { config: loadConfig({ env: { DATABASE_URL: db.url } }) });

/** The catalogue (policies, indexes, functions, views) and every public table's rows, hashed. */
async function checksum(db: TestDatabase): Promise<string> {
  const catalogue = await db.pool.query<{ h: string }>(`
    select md5(string_agg(x, '|' order by x)) as h from (
      select format('%s %s %s %s %s %s', schemaname, tablename, policyname, roles, qual, with_check) as x from pg_policies
      union all select indexdef from pg_indexes where schemaname = 'public'
      union all select format('%s %s %s', oid::regprocedure, proacl, proconfig) from pg_proc where pronamespace = 'public'::regnamespace
      union all select format('%s %s', viewname, definition) from pg_views where schemaname = 'public') as t`);
  const tables = await db.pool.query<{ t: string }>(
    "select format('%I.%I', schemaname, tablename) as t from pg_tables where schemaname in ('public', 'auth') order by 1",
  );
  const rows: string[] = [];
  for (const { t } of tables.rows)
    rows.push(
      (
        await db.pool.query<{ h: string | null }>(
          `select md5(string_agg(r::text, ',' order by r::text)) as h from ${t} as r`,
        )
      ).rows[0]?.h ?? '-',
    );
  return `${catalogue.rows[0]?.h}:${rows.join(',')}`;
}

/** The executable statements of fixes.sql (comments dropped), one per entry, in file order. */
const statementsOf = (sql: string): string[] =>
  sql
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s !== '');

describe('fix-it migration', () => {
  it("writes a proved block for each of the real project's defects; applied to a copy it clears them and opens no cell; the original is unchanged", async () => {
    const before = await checksum(defects);
    const named = (await runLints(defects.pool)).map(findingKey);
    expect(named).toEqual(
      expect.arrayContaining([
        'auth_rls_initplan public.profiles policy "Users can view own profile"',
        'auth_rls_initplan public.newsletter_signups policy "Service role can manage newsletter signups"',
        'policy_applies_to_public public.profiles policy "Service role full access"',
        'rls_policy_always_true public.profiles policy "Service role full access"',
        'rls_policy_always_true public.users policy "Allow anon insert"',
        'multiple_permissive_policies public.profiles SELECT for authenticated',
        'multiple_permissive_policies public.gift_links SELECT for authenticated',
        'anonymous_rows_readable public.affiliate_clicks policy "Users can view own clicks"',
        'duplicate_indexes public.users',
        'duplicate_indexes public.profiles',
        'duplicate_indexes public.session_analytics',
        'security_definer_executable_by_anon public.get_connection_stats()',
      ]),
    );
    expect(named.some((k) => k.startsWith('unindexed_foreign_keys public.products.'))).toBe(true);

    // verify's path on a server it did not start: proved in a transaction that is rolled back.
    const ctx = contextFor(defects);
    const fixes = await fixIt(ctx, { prove: true });
    expect(fixes?.proof).toBe('transaction');
    expect(fixes?.error).toBeUndefined();
    expect(fixes?.blocks.filter((b) => b.status !== 'proved-safe')).toEqual([]);
    const answered = new Set(fixes?.blocks.flatMap((b) => b.findings));
    const lintsNow = await runLints(defects.pool);
    const blocking = lintsNow.filter((l) => l.level !== 'info' || l.lint === 'unindexed_foreign_keys').map(findingKey);
    expect(blocking.filter((k) => !answered.has(k))).toEqual([]);
    expect(answered.has('monitoring_view_missing public.performance_monitoring_view')).toBe(true);
    expect(new Set(fixes?.blocks.map((b) => b.kind))).toEqual(
      new Set([
        'policy-roles',
        'always-true',
        'anonymous-rows',
        'auth-initplan',
        'merge-permissive',
        'duplicate-indexes',
        'unindexed-foreign-keys',
        'security-definer',
        'monitoring-view',
      ]),
    );
    const file = readFileSync(path.join(ctx.outDir, FIXES_FILE), 'utf8');
    expect(file).toContain('ALTER POLICY "Users can view own profile" ON public.profiles TO authenticated;');
    expect(file).toContain('ALTER POLICY "Service role full access" ON public.profiles TO service_role;');
    expect(file).toContain(
      'ALTER POLICY "Users can view own profile" ON public.profiles USING (((select auth.uid()) = id));',
    );
    expect(file).toContain(
      'ALTER POLICY "Users can view own clicks" ON public.affiliate_clicks USING (( SELECT auth.uid() AS uid) = user_id);',
    );
    expect(file).toContain(
      'ALTER POLICY "Users can update feedback" ON public.recommendation_feedback TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);',
    );
    expect(file).toContain('DROP POLICY "Allow anon insert" ON public.users;');
    expect(file).toMatch(
      /CREATE POLICY "profiles_update_merged" ON public\.profiles AS PERMISSIVE FOR UPDATE TO authenticated USING \(/,
    );
    // A FOR SELECT policy beside a FOR ALL one: the FOR ALL split per command, the SELECT pair merged.
    expect(file).toContain('DROP POLICY "Users can manage own gift links" ON public.gift_links;');
    for (const cmd of ['INSERT', 'UPDATE', 'DELETE'])
      expect(file).toMatch(
        new RegExp(
          `CREATE POLICY "gift_links_${cmd.toLowerCase()}_split" ON public\\.gift_links AS PERMISSIVE FOR ${cmd} TO authenticated`,
        ),
      );
    expect(file).toContain(
      'CREATE POLICY "gift_links_update_split" ON public.gift_links AS PERMISSIVE FOR UPDATE TO authenticated USING (( SELECT auth.uid() AS uid) = user_id) WITH CHECK (( SELECT auth.uid() AS uid) = user_id);',
    );
    expect(file).toContain('DROP POLICY "Anyone can view active gift links" ON public.gift_links;');
    expect(file).toMatch(
      /CREATE POLICY "gift_links_select_merged" ON public\.gift_links AS PERMISSIVE FOR SELECT TO anon, authenticated USING \(\(is_active AND \(expires_at > now\(\)\)\) OR \(\( SELECT auth\.uid\(\) AS uid\) = user_id\)\);/,
    );
    expect(
      fixes?.blocks.find((b) =>
        b.findings.includes('multiple_permissive_policies public.gift_links SELECT for authenticated'),
      )?.status,
    ).toBe('proved-safe');
    expect(file).toContain('DROP INDEX IF EXISTS public.idx_users_email;');
    expect(file).toMatch(
      /CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx_products_category_id" ON public\.products \("category_id"\);/,
    );
    expect(file).toContain('REVOKE EXECUTE ON FUNCTION public.get_connection_stats() FROM PUBLIC, anon;');
    expect(file).toContain("ALTER FUNCTION public.get_connection_stats() SET search_path = '';");
    expect(file).toContain('CREATE VIEW public.performance_monitoring_view');
    expect(file).not.toMatch(/NOT SAFE/);

    // The local-stack path: the same blocks proved on a scratch copy.
    const client = await defects.pool.connect();
    let plan: Awaited<ReturnType<typeof planFixes>>;
    try {
      await client.query('BEGIN READ ONLY');
      plan = await planFixes(client, await findingsWithin(client));
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const onCopy = await proveOnCopy(defects.url, plan.blocks, []);
    expect(onCopy.filter((p) => p.status !== 'proved-safe')).toEqual([]);

    // fixes.sql as a person runs it (psql, one statement at a time) on a copy.
    const copyName = `${defects.name}_applied`;
    const admin = new URL(defects.url);
    admin.pathname = '/template1';
    await copyDatabase(admin.href, defects.name, copyName);
    const copyUrl = new URL(defects.url);
    copyUrl.pathname = `/${copyName}`;
    const copy = new pg.Pool({ connectionString: copyUrl.href, max: 2 });
    try {
      const cellsBefore = await probeRlsMatrix(copy);
      for (const sql of statementsOf(file)) await copy.query(sql);
      const left = (await runLints(copy)).map(findingKey);
      expect(left.filter((k) => answered.has(k))).toEqual([]);
      await copy.query(
        readFileSync(
          path.join(import.meta.dirname, '../../verify/sql/queries/monitoring/0003_checklist_monitoring_query.sql'),
          'utf8',
        ),
      );
      const cellsAfter = await probeRlsMatrix(copy);
      const opened = cellsAfter.filter(
        (c) =>
          c.actual === 'rows' &&
          c.expected !== 'rows' &&
          cellsBefore.find((b) => b.table === c.table && b.op === c.op && b.actor === c.actor)?.actual !== 'rows',
      );
      expect(opened).toEqual([]);
    } finally {
      await copy.end();
      await withClient(admin.href, 'test', (c) => c.query(`drop database if exists ${copyName} with (force)`));
    }
    expect(await checksum(defects)).toBe(before);
  });

  it("npm run verify -- --prove-fixes writes fixes.sql beside the report and each block's proof into summary.json", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-fixes-cli-'));
    const out = path.join(tmp, 'report');
    const verify = await runScript(
      'scripts/verify.ts',
      ['--out', out, '--database-url', defects.url, '--prove-fixes'],
      { KIT_STATE_DIR: path.join(tmp, 'state') },
      300_000,
    );
    expect(verify.stderr).not.toMatch(/\n\s+at /);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(summary.fixes?.proof).toBe('transaction');
    expect(summary.fixes?.blocks.length).toBeGreaterThan(10);
    expect(summary.fixes?.blocks.every((b) => b.status === 'proved-safe')).toBe(true);
    expect(verify.stdout).toMatch(
      new RegExp(
        `fixes: +${path.join(out, FIXES_FILE).replaceAll('.', '\\.')} \\(\\d+ blocks, \\d+ proved safe, 0 not safe`,
      ),
    );
    const file = readFileSync(path.join(out, FIXES_FILE), 'utf8');
    for (const b of summary.fixes?.blocks ?? []) expect(file).toContain(`-- [${b.id}] ${b.kind}: PROVED SAFE`);
  });

  it("writes no fixes.sql on the kit's own schema, and removes a stale one", async () => {
    const ctx = contextFor(clean);
    writeFileSync(path.join(ctx.outDir, FIXES_FILE), '-- from an earlier verify\n');
    expect(await fixIt(ctx, { prove: true })).toBeUndefined();
    expect(existsSync(path.join(ctx.outDir, FIXES_FILE))).toBe(false);
  });

  it('reports a merge that would open a cell as not safe and leaves it commented out', async () => {
    const before = await checksum(widening);
    const ctx = contextFor(widening);
    const fixes = await fixIt(ctx, { prove: true });
    const merges = fixes?.blocks.filter((b) => b.kind === 'merge-permissive') ?? [];
    expect(merges.length).toBeGreaterThan(0);
    const opening = merges.find((b) =>
      b.reasons.some((r) => /RLS cell affiliate_clicks select as other: none → rows/.test(r)),
    );
    expect(opening?.status).toBe('not-safe');
    // A later merge that drops the rejected merge's policy is not safe either, without running.
    for (const later of merges.filter((b) => b !== opening))
      expect(later.reasons).toEqual([`builds on ${opening?.id}, which is not safe`]);
    expect(fixes?.blocks.filter((b) => b.status === 'proved-safe').map((b) => b.kind)).not.toContain(
      'merge-permissive',
    );
    const file = readFileSync(path.join(ctx.outDir, FIXES_FILE), 'utf8');
    expect(file).toContain(`-- [${opening?.id}] merge-permissive: NOT SAFE`);
    // Every statement of a not-safe block is a comment: running the file does not apply it.
    expect(statementsOf(file).filter((s) => /affiliate_clicks_select_merged/.test(s))).toEqual([]);
    expect(await checksum(widening)).toBe(before);
  });
});
