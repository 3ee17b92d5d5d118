/**
 * One planted fault per check of verify/sql/checks/, keyed `<folder>/<name>`: what to plant, the
 * parameters the gate would hand the check, and the object the check must then name. The fault
 * test (check-faults.test.ts) runs each on a fresh database inside a transaction it rolls back; the
 * parity test (test/verify/check-parity.test.ts) fails when a check has no entry here, so a new
 * check arrives with its fault.
 */
import type pg from 'pg';
import { deploymentManifest } from '../../verify/checks/deployment-manifest.ts';

export interface CheckFault {
  /** SQL run (superuser, inside the test's transaction) to plant the fault; none when the fault is in the parameters. */
  readonly plant?: string;
  /** The parameters the gate hands the check. */
  readonly params?: readonly unknown[];
  /** Parameters without the fault, for the run before planting; `params` when not given. */
  readonly cleanParams?: readonly unknown[];
  /** The `object` of the finding the fault must produce (absent before planting). */
  readonly object: string;
}

export const RUN = 'fault-run';
const USER = '00000000-0000-4000-8000-0000000000f1';
const PRODUCT = '00000000-0000-4000-8000-0000000000f2';
const SESSION = '00000000-0000-4000-8000-0000000000f3';
const CLICK = '00000000-0000-4000-8000-0000000000c1';
const CLICK_2 = '00000000-0000-4000-8000-0000000000c2';
const ORDER = 'ORD-FAULT-1';

/** A complete seed run, one user (auth and public) and one product. */
const WORLD = `
  insert into kit_truth.runs (run_id, seed, params, versions, target, status) values ('${RUN}', '1', '{}', '{}', 'local', 'complete');
  insert into auth.users (instance_id, id, aud, role, email)
    values ('00000000-0000-0000-0000-000000000000', '${USER}', 'authenticated', 'authenticated', 'fault@example.test');
  insert into public.users (id, email) values ('${USER}', 'fault@example.test');
  insert into public.products (id, title, category_id) values ('${PRODUCT}', 'fault', (select id from public.categories order by slug limit 1));
`;
/** A planted click (truth) for the world's user; a double tap of another when `duplicateOf` is given. */
const truthClick = (id: string, duplicateOf?: string): string => `
  insert into kit_truth.clicks (run_id, click_id, user_id, product_id, session_id, clicked_at, duplicate_of)
    values ('${RUN}', '${id}', '${USER}', '${PRODUCT}', '${SESSION}', now() - interval '1 day', ${duplicateOf === undefined ? 'null' : `'${duplicateOf}'`});`;
/** The app's row for a click, converted on `order` when given. */
const appClick = (id: string, order?: string, commission = '1.00', user = `'${USER}'`): string => `
  insert into public.affiliate_clicks (id, user_id, product_id, session_id, source_page, affiliate_network, affiliate_url,
                                       is_converted, conversion_timestamp, order_id, actual_commission)
    values ('${id}', ${user}, '${PRODUCT}', '${SESSION}', 'product_detail', 'amazon', 'https://www.amazon.co.uk/dp/B01/?tag=aclue-20&subid=${id}',
            ${order === undefined ? 'false, null, null, null' : `true, now(), '${order}', ${commission}`});`;
const truthConversion = (expectedClass: string, click: string | null, commission = '1.00'): string => `
  insert into kit_truth.conversions (run_id, conversion_id, order_id, expected_click_id, click_ref, expected_class, amount, commission, converted_at, recorded_on_click)
    values ('${RUN}', gen_random_uuid(), '${ORDER}', ${click === null ? 'null' : `'${click}'`}, '${click ?? 'unknown-ref'}', '${expectedClass}', 20, ${commission}, now(), true);`;
/** The postbacks the load planted, as the attribution gate hands them to its SQL. */
const plants = (...rows: Record<string, unknown>[]): string => JSON.stringify(rows);

/** A table of its own for the schema lints. */
const TABLE = 'create table public.kit_fault (id int, user_id uuid);';
const RLS = `${TABLE} alter table public.kit_fault enable row level security;`;

const manifest = deploymentManifest();
const trigger = manifest.triggers[0]!;
const index = manifest.indexes[0]!;
const column = manifest.columns.find((c) => c.column !== 'id')!;

export const CHECK_FAULTS: Readonly<Record<string, CheckFault>> = {
  // security: no parameters; pgrst.db_schemas is public on every test database.
  'security/rls_disabled_in_public': {
    plant: `${TABLE} grant select on public.kit_fault to anon;`,
    object: 'public.kit_fault',
  },
  'security/policy_exists_rls_disabled': {
    plant: `${TABLE} create policy kit_fault_p on public.kit_fault to authenticated using (true);`,
    object: 'public.kit_fault',
  },
  'security/auth_rls_initplan': {
    plant: `${RLS} create policy kit_fault_p on public.kit_fault for select to authenticated using (auth.uid() = user_id);`,
    object: 'public.kit_fault policy kit_fault_p',
  },
  'security/multiple_permissive_policies': {
    plant: `${RLS}
      create policy kit_fault_a on public.kit_fault for select to authenticated using ((select auth.uid()) = user_id);
      create policy kit_fault_b on public.kit_fault for select to authenticated using (id > 0);`,
    object: 'public.kit_fault SELECT for authenticated',
  },
  'security/rls_policy_always_true': {
    plant: `${RLS} create policy kit_fault_p on public.kit_fault for insert to authenticated with check (true);`,
    object: 'public.kit_fault policy kit_fault_p',
  },
  'security/policy_applies_to_public': {
    plant: `${RLS} create policy kit_fault_p on public.kit_fault for select using ((select auth.uid()) = user_id);`,
    object: 'public.kit_fault policy kit_fault_p',
  },
  'security/anonymous_rows_readable': {
    plant: `${RLS} create policy kit_fault_p on public.kit_fault for select to authenticated using (user_id is null);`,
    object: 'public.kit_fault policy kit_fault_p',
  },
  'security/unindexed_foreign_keys': {
    plant:
      'create table public.kit_fault (id int, user_id uuid constraint kit_fault_user references public.users (id));',
    object: 'public.kit_fault.kit_fault_user',
  },
  'security/function_search_path_mutable': {
    plant: "create function public.kit_fault() returns int language sql as 'select 1';",
    object: 'public.kit_fault()',
  },
  'security/security_definer_executable_by_anon': {
    plant:
      "create function public.kit_fault() returns int language sql security definer set search_path = '' as 'select 1';",
    object: 'public.kit_fault()',
  },
  'security/duplicate_indexes': {
    plant: `${TABLE} create index kit_fault_1 on public.kit_fault (id); create index kit_fault_2 on public.kit_fault (id);`,
    object: 'public.kit_fault',
  },
  'security/rls_enabled_no_policy': { plant: RLS, object: 'public.kit_fault' },
  'security/truth_schema_reachable': {
    plant: 'grant usage on schema kit_truth to service_role;',
    object: 'schema kit_truth',
  },

  // data-integrity: $1 judged run ids.
  'data-integrity/foreign_key_orphans': {
    plant: `set local session_replication_role = replica;
      insert into public.swipe_interactions (user_id, swipe_direction) values ('${USER}', 'left');
      set local session_replication_role = origin;`,
    params: [[]],
    object: 'public.swipe_interactions.user_id',
  },
  'data-integrity/duplicate_emails': {
    plant: "insert into public.newsletter_signups (email) values ('Fault@Example.test'), ('fault@example.test');",
    params: [[]],
    object: 'public.newsletter_signups',
  },
  'data-integrity/swipe_consistency': {
    plant: `${WORLD}
      insert into public.swipe_interactions (product_id, category_id, swipe_direction)
        values ('${PRODUCT}', (select id from public.categories order by slug desc limit 1), 'left');`,
    params: [[]],
    object: 'public.swipe_interactions',
  },
  'data-integrity/seeded_counts': {
    plant: `${WORLD} update kit_truth.runs set row_counts = '{"users": 1000000}' where run_id = '${RUN}';`,
    params: [[RUN]],
    object: 'public.users',
  },
  'data-integrity/seeded_rows_present': {
    plant: `${WORLD}
      insert into kit_truth.users (run_id, user_id, user_index, email, archetype, tiers, liberal_factor, swipe_count, like_count)
        values ('${RUN}', gen_random_uuid(), 1, 'ghost@example.test', 'techie', '{}', 1, 0, 0);`,
    params: [[RUN]],
    object: 'auth.users',
  },
  'data-integrity/session_analytics_vs_events': {
    plant:
      "insert into public.session_analytics (session_id, landing_page, affiliate_clicks) values ('kit-fault', '/', 3);",
    params: [[]],
    object: 'public.session_analytics kit-fault',
  },

  // attribution-history: $1 judged run ids; the world plus planted clicks and conversions.
  'attribution-history/seeded_clicks_missing': {
    plant: `${WORLD} ${truthClick(CLICK)}`,
    params: [[RUN]],
    object: `click ${CLICK}`,
  },
  'attribution-history/seeded_clicks_incomplete': {
    plant: `${WORLD} ${truthClick(CLICK)} ${appClick(CLICK, undefined, '1.00', 'null')}`,
    params: [[RUN]],
    object: `click ${CLICK}`,
  },
  'attribution-history/conversions_missing': {
    plant: `${WORLD} ${truthClick(CLICK)} ${appClick(CLICK)} ${truthConversion('attributed', CLICK)}`,
    params: [[RUN]],
    object: `click ${CLICK}`,
  },
  'attribution-history/conversions_misattributed': {
    plant: `${WORLD} ${truthClick(CLICK)} ${appClick(CLICK, ORDER, '1.00')} ${truthConversion('attributed', CLICK, '2.00')}`,
    params: [[RUN]],
    object: `click ${CLICK}`,
  },
  // The order id is unique on affiliate_clicks, so the double credit planted is a double tap converting itself.
  'attribution-history/duplicates': {
    plant: `${WORLD} ${truthClick(CLICK)} ${truthClick(CLICK_2, CLICK)} ${appClick(CLICK_2, ORDER)}`,
    params: [[RUN]],
    object: `click ${CLICK_2}`,
  },
  'attribution-history/expired': {
    plant: `${WORLD} ${truthClick(CLICK)} ${appClick(CLICK, ORDER)} ${truthConversion('late', CLICK)}`,
    params: [[RUN]],
    object: `click ${CLICK}`,
  },
  'attribution-history/orphans': {
    plant: `${WORLD} ${appClick(CLICK, ORDER)} ${truthConversion('orphan', null)}`,
    params: [[RUN]],
    object: `click ${CLICK}`,
  },

  // attribution: $1 run ids and $2 the load's click ids; postbacks/: $1 the plants as JSON.
  'attribution/load_clicks_missing_or_incomplete': {
    params: [[], [CLICK]],
    cleanParams: [[], []],
    object: `click ${CLICK}`,
  },
  'attribution/postbacks/conversions_not_on_their_click': {
    params: [plants({ kind: 'converted', click_id: CLICK, order_id: ORDER, commission: 1 })],
    cleanParams: [plants()],
    object: `order ${ORDER}`,
  },
  'attribution/postbacks/replays_counted_twice': {
    params: [plants({ kind: 'duplicate', click_id: CLICK, order_id: ORDER, commission: 1 })],
    cleanParams: [plants()],
    object: `order ${ORDER}`,
  },
  'attribution/postbacks/refusals_accepted': {
    plant: `${WORLD} ${appClick(CLICK, ORDER)}`,
    params: [plants({ kind: 'late', click_id: CLICK, order_id: ORDER })],
    object: `order ${ORDER}`,
  },
  'attribution/postbacks/refusals_not_kept': {
    params: [plants({ kind: 'unknown_click', click_id: CLICK, order_id: ORDER })],
    cleanParams: [plants()],
    object: `order ${ORDER}`,
  },

  // deployment: $1 what the migrations create (verify/checks/deployment-manifest.ts).
  'deployment/tables_and_columns': {
    plant: `alter table public.${column.table} rename column ${column.column} to kit_fault_renamed;`,
    params: [JSON.stringify(manifest.columns)],
    object: `public.${column.table}.${column.column}`,
  },
  'deployment/triggers': {
    plant: `alter table public.${trigger.table} disable trigger ${trigger.trigger};`,
    params: [JSON.stringify(manifest.triggers)],
    object: `public.${trigger.table} trigger ${trigger.trigger}`,
  },
  'deployment/indexes': {
    plant: `drop index public.${index.index};`,
    params: [JSON.stringify(manifest.indexes)],
    object: `public.${index.index}`,
  },

  // real-data: $1 the writes the API acknowledged.
  'real-data/load_writes_missing': {
    params: [JSON.stringify([{ entity: 'swipe', id: CLICK }])],
    cleanParams: ['[]'],
    object: `swipe ${CLICK}`,
  },

  // database: run by the load command at the end of its run (verify/db-snapshot.ts).
  'database/unused_indexes': {
    plant: `${TABLE} create index kit_fault_idx on public.kit_fault (id);`,
    object: 'public.kit_fault_idx',
  },
};

/** Plants `fault` on `client` (the caller's transaction). */
export async function plantFault(client: pg.PoolClient, fault: CheckFault): Promise<void> {
  if (fault.plant !== undefined) await client.query(fault.plant);
}
