/**
 * The staging rehearsal: a database built from Supabase's and GoTrue's own SQL, reached through
 * pgbouncer in transaction mode as the project's non-superuser `postgres`; the Aclue schema applied
 * as that role; the kit's server twice, one as the app (App API on its own port) and one as the
 * project's gateway (Data API and Auth); rows planted that are not the kit's. Then what a user runs:
 * `npm run signoff -- --target staging` through the pooler, and `--clean`. Every gate is judged on
 * this target, no other client's session settings change, and nothing outside the run changes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET, LOCAL_POSTBACK_SECRET } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';
import { withClient } from '../../lib/pg/connect.ts';
import { runSeed } from '../../seed/run.ts';
import { listMigrations, migrate, ON_SUPABASE } from '../../stack/migrate.ts';
import { localKeys } from '../../stack/server/keys.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { localTarget } from '../seed/support.ts';
import { freePort } from '../support/ports.ts';
import { runScript } from '../support/run-script.ts';
import { type SupabaseTarget, startSupabaseTarget } from '../support/supabase-target.ts';

let target: SupabaseTarget;
let tmp: string;
let migrationLog: string[];
const stacks: { env: Record<string, string>; url: string }[] = [];
const keys = await localKeys(LOCAL_JWT_SECRET);
const base = () => ({ PATH: process.env.PATH ?? '', HOME: os.tmpdir(), KIT_ENV_FILE: '/dev/null' });

/** What only the platform's superuser sees: the roles, and GoTrue's auth functions with their grants. */
async function platform(): Promise<{ roles: string; authFunctions: string; dbSettings: string }> {
  return withClient(target.adminUrl, 'supabase_admin', async (c) => {
    const one = async (sql: string) => String((await c.query<{ v: string }>(sql)).rows[0]?.v);
    return {
      roles: await one(
        `select string_agg(rolname || rolsuper || rolbypassrls, ',' order by rolname) as v from pg_roles`,
      ),
      authFunctions: await one(
        `select md5(string_agg(p.proname || pg_get_functiondef(p.oid) || coalesce(p.proacl::text, ''), '|' order by p.proname)) as v
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth'`,
      ),
      dbSettings: await one(
        `select coalesce(string_agg(array_to_string(setconfig, ','), ';'), '') as v from pg_db_role_setting`,
      ),
    };
  });
}

/** md5 of every row of every table in the schemas a run touches, by table. */
async function snapshot(): Promise<Record<string, string>> {
  return withClient(target.adminUrl, 'supabase_admin', async (c) => {
    const tables = (
      await c.query<{ t: string }>(
        `select format('%I.%I', schemaname, tablename) as t from pg_tables
          where schemaname in ('public', 'auth') order by 1`,
      )
    ).rows.map((r) => r.t);
    const out: Record<string, string> = {};
    for (const t of tables)
      out[t] = String(
        (
          await c.query<{ v: string }>(
            `select count(*) || ':' || coalesce(md5(string_agg(x::text, ',' order by x::text)), '-') as v from ${t} x`,
          )
        ).rows[0]?.v,
      );
    return out;
  });
}

/**
 * Every server connection the pooler holds for `postgres`, each seen by one of as many clients at
 * once as the pool has connections: the settings a client is handed are the server's defaults, and
 * nothing of an earlier client (prepared statements, advisory locks, temp tables) is left on them.
 */
async function sessionsHandedOut(): Promise<Set<string>> {
  const seen = await Promise.all(
    Array.from({ length: 15 }, async () => {
      const client = new pg.Client({ connectionString: target.poolerUrl });
      await client.connect();
      try {
        await client.query('begin');
        const row = (
          await client.query<{ v: string }>(
            `select concat_ws(' ', 'synchronous_commit=' || current_setting('synchronous_commit'),
                    'session_replication_role=' || current_setting('session_replication_role'),
                    'statement_timeout=' || current_setting('statement_timeout'),
                    'prepared=' || (select count(*) from pg_prepared_statements),
                    'advisory=' || (select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()),
                    'temp=' || (select count(*) from pg_class where relnamespace = pg_my_temp_schema())) as v
               from pg_sleep(0.3)`,
          )
        ).rows[0]!.v;
        await client.query('commit');
        return row;
      } finally {
        await client.end();
      }
    }),
  );
  return new Set(seen);
}
const CLEAN_SESSION =
  'synchronous_commit=on session_replication_role=origin statement_timeout=0 prepared=0 advisory=0 temp=0';

let before: Record<string, string>;
let platformBefore: Awaited<ReturnType<typeof platform>>;

beforeAll(async () => {
  target = await startSupabaseTarget('rehearsal');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-rehearsal-'));
  platformBefore = await platform();
  // The schema as a user applies it: as `postgres`, through the pooler.
  migrationLog = [];
  await withClient(target.poolerUrl, 'pooler', (c) => migrate(c, (line) => migrationLog.push(line)));
  // Rows that are not the kit's, which nothing the kit does may touch.
  await withClient(target.directUrl, 'postgres', async (c) => {
    await c.query(`insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
                   values ('00000000-0000-0000-0000-000000000000', 'a0a0a0a0-0000-4000-8000-000000000001', 'authenticated',
                           'authenticated', 'someone@planted.test', '', now(), now())`);
    await c.query(
      `insert into public.users (id, email) values ('a0a0a0a0-0000-4000-8000-000000000001', 'someone@planted.test')`,
    );
    await c.query(`insert into public.categories (name, slug) values ('Planted', 'planted-not-the-kits')`);
    await c.query(`insert into public.products (title) values ('A product nobody seeded')`);
  });
  // The kit's server twice on the same database: one the app, one the project's gateway.
  for (const name of ['app', 'gateway']) {
    const env = {
      ...base(),
      KIT_STATE_DIR: path.join(tmp, name),
      KIT_API_PORT: String(await freePort()),
      KIT_POSTGREST_PORT: String(await freePort()),
      KIT_PG_PORT: String(await freePort()),
      DATABASE_URL: target.directUrl,
    };
    const up = await runScript('scripts/stack.ts', ['up'], env, 120_000);
    expect(up.code, up.stderr + up.stdout).toBe(0);
    stacks.push({ env, url: `http://127.0.0.1:${env.KIT_API_PORT}` });
  }
  before = await snapshot();
}, 300_000);

afterAll(async () => {
  for (const s of stacks) await runScript('scripts/stack.ts', ['down'], s.env).catch(() => undefined);
  await target?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the Aclue schema on a Supabase project, as its postgres', () => {
  it('applies every migration, leaving the reserved roles and GoTrue auth functions alone', async () => {
    const after = await platform();
    expect(after.roles).toBe(platformBefore.roles);
    expect(after.authFunctions).toBe(platformBefore.authFunctions);
    expect(after.dbSettings).toBe(platformBefore.dbSettings);
    const recorded = await withClient(target.directUrl, 'postgres', async (c) =>
      (await c.query<{ name: string }>('select name from kit_meta.schema_migrations order by name')).rows.map(
        (r) => r.name,
      ),
    );
    expect(recorded).toEqual(listMigrations().map((m) => m.name));
    const dashboard = migrationLog.filter((l) => l.includes('pgrst.db_schemas'));
    expect(dashboard).toHaveLength(1);
    expect(dashboard[0]).toContain('dashboard');
  });

  it('cuts exactly one step out of 0004, and that step is its ALTER DATABASE', () => {
    const m = listMigrations().find((x) => x.name === '0004_public_schema_privileges.sql')!;
    const matches = m.sql.match(new RegExp(ON_SUPABASE[m.name]!.drop!.source, 'g')) ?? [];
    expect(matches).toHaveLength(1);
    expect(matches[0]).toContain('ALTER DATABASE');
  });

  it('a seed through the pooler leaves no setting on the connections other clients are handed', async () => {
    const seeded = await runSeed({
      seed: 'pooled',
      scale: 0.02,
      users: 20,
      target: await localTarget(target.poolerUrl),
    });
    expect([...(await sessionsHandedOut())]).toEqual([CLEAN_SESSION]);
    await runScript('scripts/seed.ts', ['--clean', seeded.runId, '--target', 'local'], {
      ...base(),
      DATABASE_URL: target.poolerUrl,
    });
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});

describe('npm run signoff -- --target staging, through the pooler', () => {
  let summary: ReturnType<typeof summarySchema.parse>;
  let env: Record<string, string>;
  let output: string;
  let report: string | undefined;
  // The signoff writes its report and the seed's manifest under reports/, as for a user: removed after.
  afterAll(() => {
    if (report) rmSync(report, { recursive: true, force: true });
    const runId = /npm run seed -- --clean (\S+)/.exec(output ?? '')?.[1];
    if (runId) rmSync(path.join(repoRoot, 'reports', 'seed', runId), { recursive: true, force: true });
  });

  beforeAll(async () => {
    const [app, gateway] = stacks as [(typeof stacks)[number], (typeof stacks)[number]];
    env = {
      ...base(),
      KIT_STATE_DIR: path.join(tmp, 'signoff'),
      DATABASE_URL: target.poolerUrl,
      KIT_APP_URL: app.url,
      SUPABASE_URL: gateway.url,
      SUPABASE_ANON_KEY: keys.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
      KIT_STAGING_PROJECT_REF: '127.0.0.1',
      KIT_JWT_SECRET: LOCAL_JWT_SECRET,
      KIT_LOAD_ENGINE: 'kit',
      K6_POSTBACK_SECRET: LOCAL_POSTBACK_SECRET,
      // Short runs: every endpoint gets the baseline requests the degradation gate needs in about 20 s.
      K6_PROFILE_DURATION: '12s',
      K6_BASELINE_RATES: JSON.stringify({
        swipingUser: 60,
        returningUser: 60,
        anonymousBrowser: 60,
        networkPostback: 60,
        rlsProbe: 60,
      }),
    };
    const run = await runScript(
      'scripts/signoff.ts',
      ['--target', 'staging', '--scale', '0.1', '--seed', 'rehearsal'],
      env,
      600_000,
    );
    output = run.stdout + run.stderr;
    expect([0, 1], output).toContain(run.code);
    report = /^report:\s+(\S+)index\.html$/m.exec(run.stdout)?.[1];
    expect(report, output).toBeDefined();
    summary = summarySchema.parse(JSON.parse(readFileSync(path.join(report!, 'summary.json'), 'utf8')));
  }, 600_000);

  it('judges every gate on this target', () => {
    // capacity-headroom without a capacity run (not asked for here) says so at info level
    const unjudged = summary.gates.filter((g) => g.status === 'insufficient-data' && g.level !== 'info');
    expect(unjudged.map((g) => `${g.id}: ${g.evidence.summary}`).join('\n')).toBe('');
  });

  it("leaves other clients' sessions as the server hands them out", async () => {
    expect([...(await sessionsHandedOut())]).toEqual([CLEAN_SESSION]);
  });

  it('changes nothing outside the run once it is cleaned', async () => {
    const clean = /npm run seed -- (--clean .*)$/m.exec(output)?.[1];
    expect(clean, output).toBeDefined();
    const cleaned = await runScript('scripts/seed.ts', clean!.split(' '), env);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
