// The deployment and monitoring gates on real databases. The old report ticked
// "5 new tables created", "All indexes created successfully", "All triggers operational" and
// "Enable pg_stat_statements" from gates that never looked; each planted fault here passed then.
// Now: the kit's schema passes and the probe leaves no change; a disabled trigger, a trigger whose
// function no longer writes, a dropped index, an invalid index and a renamed column fail `deployment`;
// a missing monitoring view or extension fails `monitoring`, naming the PostgreSQL 13 column rename.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentManifest, parseTables } from '../../verify/checks/deployment-manifest.ts';
import deploymentGate from '../../verify/gates/deployment.ts';
import monitoringGate from '../../verify/gates/monitoring.ts';
import { checklist } from '../../verify/report/checklist.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import { testContext } from './context.ts';
import { plantWorld } from './world.ts';

let clean: TestDatabase;
let broken: TestDatabase;
let unmonitored: TestDatabase;
let noExtension: TestDatabase;

beforeAll(async () => {
  [clean, broken, unmonitored, noExtension] = await Promise.all([
    freshDatabase(),
    freshDatabase(),
    freshDatabase(),
    freshDatabase(),
  ]);
  await Promise.all([
    plantWorld(clean.pool, { measuredUsers: 4, coldUsers: 0, swipesPerUser: 5 }),
    plantWorld(broken.pool, { measuredUsers: 4, coldUsers: 0, swipesPerUser: 5 }),
  ]);
  await broken.pool.query(`
    alter table public.products disable trigger update_products_updated_at;
    drop index public.idx_product_views_session;
    update pg_index set indisvalid = false where indexrelid = 'public.idx_affiliate_clicks_network'::regclass;
    alter table public.session_analytics rename column operating_system to os;
    -- Present and enabled, but its function no longer moves updated_at.
    create function public.keep_row() returns trigger language plpgsql set search_path = '' as $$ begin return new; end $$;
    drop trigger update_affiliate_clicks_updated_at on public.affiliate_clicks;
    create trigger update_affiliate_clicks_updated_at before update on public.affiliate_clicks for each row execute function public.keep_row();
    create or replace function public.update_updated_at_column() returns trigger language plpgsql set search_path = '' as $$ begin return new; end $$;
  `);
  await unmonitored.pool.query('drop view public.performance_monitoring_view');
  await noExtension.pool.query('drop extension pg_stat_statements cascade');
});

afterAll(async () => {
  await Promise.all([clean?.close(), broken?.close(), unmonitored?.close(), noExtension?.close()]);
});

describe('deployment manifest', () => {
  it('reads the five tables, their columns, the triggers and the indexes from db/migrations', () => {
    const m = deploymentManifest();
    expect(m.tables).toEqual([
      'affiliate_clicks',
      'user_preferences',
      'session_analytics',
      'product_views',
      'recommendation_feedback',
    ]);
    expect(m.columns).toHaveLength(138);
    expect(m.columns).toContainEqual({ table: 'session_analytics', column: 'operating_system', type: 'text' });
    expect(m.columns).toContainEqual({ table: 'user_preferences', column: 'embedding_vector', type: 'float8[]' });
    expect(m.triggers).toHaveLength(8);
    expect(m.triggers).toContainEqual({
      table: 'users',
      trigger: 'update_user_name_fields',
      function: 'update_name_fields',
    });
    expect(m.indexes).toHaveLength(64);
    expect(m.indexes).toContainEqual({ table: 'affiliate_clicks', index: 'uq_affiliate_clicks_order_id' });
  });

  it('skips constraint lines, comments and continuation lines', () => {
    const sql = `CREATE TABLE public.t (\n  id uuid PRIMARY KEY,\n  -- note: not a column\n  v text NOT NULL CHECK (v IN\n                 ('a', 'b')),\n  n numeric(5,4),\n  CONSTRAINT c CHECK (n > 0)\n);`;
    expect(parseTables(sql)).toEqual([
      { table: 't', column: 'id', type: 'uuid' },
      { table: 't', column: 'v', type: 'text' },
      { table: 't', column: 'n', type: 'numeric(5,4)' },
    ]);
  });
});

describe('gate deployment', () => {
  it('passes on the kit schema, sees every trigger with a row fire, and leaves no change behind', async () => {
    const stamp =
      "select max(updated_at)::text as t, (select string_agg(full_name, ',' order by id) from public.users) as names from public.products";
    const before = (await clean.pool.query(stamp)).rows[0];
    const result = await deploymentGate.run(testContext(clean.pool));
    expect(
      result.evidence.rows?.filter((r) => r['problem'] !== 'trigger_not_exercised'),
      result.evidence.summary,
    ).toEqual([]);
    expect(result.status).toBe('pass');
    // users (both), products, affiliate_clicks, user_preferences, session_analytics have rows; profiles and newsletter_signups do not.
    expect(result.evidence.figures).toMatchObject({ expectedTriggers: 8, triggersFired: 6, triggersNotExercised: 2 });
    expect((await clean.pool.query(stamp)).rows[0]).toEqual(before);
  });

  it('fails on a disabled trigger, a trigger that no longer fires, a dropped or invalid index and a renamed column', async () => {
    const result = await deploymentGate.run(testContext(broken.pool));
    expect(result.status).toBe('fail');
    expect(result.id).toBe('deployment');
    const found = result.evidence.rows?.map((r) => `${String(r['problem'])} ${String(r['object'])}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'trigger_disabled public.products trigger update_products_updated_at',
        'trigger_wrong_function public.affiliate_clicks trigger update_affiliate_clicks_updated_at',
        'trigger_did_not_fire public.users trigger update_users_updated_at',
        'index_missing public.idx_product_views_session',
        'index_invalid public.idx_affiliate_clicks_network',
        'column_missing public.session_analytics.operating_system',
      ]),
    );
  });

  it('is insufficient-data without a database', async () => {
    expect((await deploymentGate.run(testContext(undefined))).status).toBe('insufficient-data');
  });
});

describe('gate monitoring', () => {
  it("passes on the kit schema, and reports that the checklist's own baseline query fails on PostgreSQL 13+", async () => {
    await clean.pool.query('select count(*) from public.products');
    const result = await monitoringGate.run(testContext(clean.pool));
    expect(result.status, result.evidence.summary).toBe('pass');
    expect(result.evidence.rows).toContainEqual(expect.objectContaining({ check: 'checklist_baseline_query_fails' }));
    expect(result.evidence.summary).toMatch(
      /column "total_time" does not exist.*PostgreSQL 13 renamed total_exec_time and mean_exec_time/,
    );
  });

  it("fails when performance_monitoring_view is missing, saying why the project's SQL cannot create it", async () => {
    const result = await monitoringGate.run(testContext(unmonitored.pool));
    expect(result.status).toBe('fail');
    expect(result.level).toBe('warn');
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'monitoring_view_missing', object: 'public.performance_monitoring_view' }),
    );
    expect(result.evidence.summary).toMatch(/renamed total_exec_time and mean_exec_time: on PostgreSQL \d+/);
  });

  it('fails when pg_stat_statements is not installed', async () => {
    const result = await monitoringGate.run(testContext(noExtension.pool));
    expect(result.status).toBe('fail');
    expect(result.evidence.rows?.map((r) => r['check'])).toEqual(
      expect.arrayContaining(['pg_stat_statements_missing', 'monitoring_view_missing']),
    );
  });
});

describe('checklist lines answered by what measured them', () => {
  const gatesOf = (text: string) => checklist.flatMap((s) => s.lines).find((l) => l.text === text)?.gates;
  it('maps the table, index, trigger and pg_stat_statements lines to the gates that check them', () => {
    expect(gatesOf('5 new tables created')).toEqual(['deployment']);
    expect(gatesOf('All indexes created successfully')).toEqual(['deployment']);
    expect(gatesOf('All triggers operational')).toEqual(['deployment']);
    expect(gatesOf('Enable pg_stat_statements')).toEqual(['monitoring']);
    expect(gatesOf('Deploy Monitoring Queries')).toEqual([]);
  });
});
