// The security gate on real databases: the kit's schema passes once the matrix, the Data API and
// the load's RLS-probe journey were all probed, and is insufficient-data naming each probe that did
// not run; a loosened policy fails with the leaking cells named; a schema carrying the real
// project's RLS and index mistakes (its `database/*.sql`) is named lint by lint; no database gives
// insufficient-data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import securityGate, { runLints } from '../../verify/gates/security.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { rlsProbedLoad as probedLoad, stackApi, testContext } from './context.ts';
import { plantWorld } from './world.ts';

let clean: TestDatabase;
let loosened: TestDatabase;
let aclue: TestDatabase;
let truthy: TestDatabase;
let api: TestStack;

// Ways an app could read the planted answers. Each passed the old lints: the
// function pins its search_path and is not executable by anon, the view and policy are ordinary.
const TRUTH_REACHABLE = `
  create function public.planted_tiers(uid uuid) returns jsonb language sql stable security definer set search_path = ''
    as $$ select tiers from kit_truth.users where user_id = uid $$;
  revoke all on function public.planted_tiers(uuid) from public, anon;
  grant execute on function public.planted_tiers(uuid) to authenticated;
  create view public.truth_clicks with (security_invoker = true) as select click_id from kit_truth.clicks;
  revoke all on public.truth_clicks from public, anon, authenticated;
  create policy "peek at truth" on public.recommendation_feedback as restrictive for select to service_role
    using (exists (select 1 from kit_truth.runs));
  grant usage on schema kit_truth to service_role;
`;

// The project's own mistakes, recreated on top of the kit's schema (docs/schema-departures.md).
const ACLUE_MISTAKES = `
  -- S: categories/products with policies but RLS never enabled, under Supabase's default grants.
  alter table public.categories disable row level security;
  alter table public.products disable row level security;
  grant select, insert, update, delete on public.categories, public.products to anon, authenticated;
  -- P: profiles policies without TO, auth.uid() unwrapped, and "Service role full access" open to all.
  create policy "Users can view own profile" on public.profiles for select using (auth.uid() = id);
  create policy "Users can update own profile" on public.profiles for update using (auth.uid() = id);
  create policy "Service role full access" on public.profiles for all using (true);
  grant select, insert, update, delete on public.profiles to anon;
  -- S/PW, P, 03: duplicate indexes next to the UNIQUE constraints.
  create index idx_users_email on public.users (email);
  create index profiles_email_idx on public.profiles (email);
  create index idx_session_analytics_session_id on public.session_analytics (session_id);
  -- 02: anonymous analytics rows readable by every client.
  create policy "Users can view own clicks" on public.affiliate_clicks for select using ((select auth.uid()) = user_id or user_id is null);
  -- F/E: anon may insert any users row.
  create policy "Allow anon insert" on public.users for insert to anon with check (true);
  -- get_connection_stats (called by the project's scripts, never defined): mutable search_path,
  -- security definer, executable by anon via PUBLIC.
  create function public.get_connection_stats() returns bigint
    language sql security definer as $$ select count(*) from pg_stat_activity $$;
`;

beforeAll(async () => {
  [clean, loosened, aclue, truthy] = await Promise.all([
    freshDatabase(),
    freshDatabase(),
    freshDatabase(),
    freshDatabase(),
  ]);
  await truthy.pool.query(TRUTH_REACHABLE);
  await loosened.pool.query(
    'create policy affiliate_clicks_select_all on public.affiliate_clicks for select to authenticated using (true)',
  );
  await aclue.pool.query(ACLUE_MISTAKES);
  await plantWorld(clean.pool, { measuredUsers: 3, coldUsers: 0, swipesPerUser: 5 });
  api = await startTestStack(clean);
});

afterAll(async () => {
  await api?.stop();
  await Promise.all([clean?.close(), loosened?.close(), aclue?.close(), truthy?.close()]);
});

const withApi = () => ({ api: stackApi(api) });

const counts = async (db: TestDatabase): Promise<string> =>
  JSON.stringify(
    (
      await db.pool.query(`select (select count(*) from auth.users) a, (select count(*) from public.products) p,
    (select count(*) from public.affiliate_clicks) c, (select count(*) from public.categories) k`)
    ).rows[0],
  );

describe('security gate', () => {
  it('passes on the kit schema: all matrix cells as expected in SQL and through the Data API, no leak under load, no blocking lint, no probe rows left behind', async () => {
    const before = await counts(clean);
    const result = await securityGate.run(testContext(clean.pool, { ...withApi(), load: probedLoad() }));
    // Only info lints, listed for review, may be left.
    expect(result.evidence.rows?.filter((r) => r['level'] !== 'info')).toEqual([]);
    expect(result.status).toBe('pass');
    expect(result.evidence.figures?.['matrixCells']).toBe(224);
    expect(result.evidence.figures?.['dataApiFindings']).toBe(0);
    expect(result.evidence.figures?.['loadRlsLeaks']).toBe(0);
    expect(await counts(clean)).toBe(before);
  });

  it('is insufficient-data, naming the probe, when the Data API was not probed or the RLS-probe journey did not run', async () => {
    const cases = [
      [testContext(clean.pool, { load: probedLoad() }), 'Data API not probed'],
      [testContext(clean.pool, withApi()), 'no load run: the RLS-probe journey did not run'],
      [
        testContext(clean.pool, { ...withApi(), load: probedLoad({ rlsProbe: 0 }) }),
        'the load ran no rlsProbe iteration',
      ],
      [
        testContext(clean.pool, { ...withApi(), load: probedLoad({ declared: false }) }),
        'did not declare the aclue_rls_leaks counter',
      ],
    ] as const;
    for (const [ctx, said] of cases) {
      const result = await securityGate.run(ctx);
      expect(result.status, said).toBe('insufficient-data');
      expect(result.evidence.summary).toContain(said);
    }
  });

  it('fails on a loosened policy and names the leaking cell', async () => {
    const result = await securityGate.run(testContext(loosened.pool));
    expect(result.status).toBe('fail');
    expect(result.id).toBe('security');
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({
        check: 'rls_matrix',
        table: 'affiliate_clicks',
        op: 'select',
        actor: 'other',
        expected: 'none',
        actual: 'rows',
      }),
    );
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({
        check: 'multiple_permissive_policies',
        title: 'Several permissive policies for one role and action',
        object: 'public.affiliate_clicks SELECT for authenticated',
      }),
    );
    expect(result.evidence.summary).toMatch(/affiliate_clicks select as other gave rows/);
  });

  it("names each of the real project's RLS and index mistakes", async () => {
    const lints = await runLints(aclue.pool);
    const found = lints.map((l) => `${l.lint} ${l.object}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'rls_disabled_in_public public.categories',
        'rls_disabled_in_public public.products',
        'policy_exists_rls_disabled public.categories',
        'policy_exists_rls_disabled public.products',
        'auth_rls_initplan public.profiles policy "Users can view own profile"',
        'auth_rls_initplan public.profiles policy "Users can update own profile"',
        'rls_policy_always_true public.profiles policy "Service role full access"',
        'policy_applies_to_public public.profiles policy "Service role full access"',
        'multiple_permissive_policies public.profiles SELECT for authenticated',
        'multiple_permissive_policies public.profiles UPDATE for anon',
        'duplicate_indexes public.users',
        'duplicate_indexes public.profiles',
        'duplicate_indexes public.session_analytics',
        'anonymous_rows_readable public.affiliate_clicks policy "Users can view own clicks"',
        'rls_policy_always_true public.users policy "Allow anon insert"',
        'function_search_path_mutable public.get_connection_stats()',
        'security_definer_executable_by_anon public.get_connection_stats()',
      ]),
    );
    const result = await securityGate.run(testContext(aclue.pool));
    expect(result.status).toBe('fail');
    // The open profiles policy shows up in the matrix too: anon reads another user's profile.
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'rls_matrix', table: 'profiles', op: 'select', actor: 'anon', actual: 'rows' }),
    );
  });

  it('fails when a function, view or policy the API can reach reads the truth schema, or an API role may use it', async () => {
    const truth = (await runLints(truthy.pool)).filter((l) => l.lint === 'truth_schema_reachable');
    expect(truth.map((l) => `${l.level} ${l.object}: ${l.detail}`)).toEqual([
      'error public.planted_tiers(uid uuid): function in an API-reachable schema reads the truth schema kit_truth',
      'error public.recommendation_feedback policy "peek at truth": policy in an API-reachable schema reads the truth schema kit_truth',
      'error public.truth_clicks: view in an API-reachable schema reads the truth schema kit_truth',
      'error schema kit_truth: service_role holds USAGE on it',
    ]);
    const result = await securityGate.run(testContext(truthy.pool));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toMatch(/truth_schema_reachable on public\.planted_tiers\(uid uuid\)/);
  });

  it('is insufficient-data without a database, saying why', async () => {
    const result = await securityGate.run(testContext(undefined));
    expect(result.status).toBe('insufficient-data');
    expect(result.evidence.summary).toMatch(/no database connection: DATABASE_URL: cannot reach/);
  });
});
