/**
 * One seed run, end to end: plan → run row ('running') → categories → products → batches of users
 * (truth first, then Auth accounts, then their rows in FK order) → orphan postbacks → run row
 * ('complete'). A failure marks the run 'failed'; a killed process leaves it 'running'. Either way
 * `--clean <run id>` removes exactly what it wrote.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { EnvironmentError, KitError, UsageError } from '../lib/errors.ts';
import { connect } from '../lib/pg/connect.ts';
import { categoryNames, categorySlugs, MODEL_VERSION, productCount, userCount } from '../model/behaviour.ts';
import { AdminApiAuth, type AuthAccount, type AuthWriter, SqlAuth } from './auth.ts';
import { Batch, BatchWriter } from './batch.ts';
import { BinaryCopyEncoder } from './copy/binary.ts';
import { copyChunks } from './copy/copy.ts';
import { productRows } from './product-rows.ts';
import { count, noProgress, type Progress, rate } from './progress.ts';
import { orphanConversions } from './simulate.ts';
import { encodeRow, publicTables, truthTables } from './tables.ts';
import type { SeedTarget } from './target.ts';
import { userRows } from './user-rows.ts';
import { uuidBytes } from './uuid.ts';
import { verifyRunForeignKeys } from './verify-fks.ts';
import { type Category, type SeedParams, slug, World } from './world.ts';

/** Bump when the generator's output changes for the same seed and parameters. */
export const GENERATOR_VERSION = 'seed-generator-v1';
export const FAKER_VERSION = '10.6.0';
/** Users per batch: two batches are in memory at once (one generating, one being written). */
export const DEFAULT_BATCH_USERS = 500;

/** The longest the generator holds the event loop while a batch is being written. */
const YIELD_MS = 3;

export type AuthWriterKind = 'admin-api' | 'sql';

export interface SeedOptions {
  readonly seed: string;
  readonly scale: number;
  /** Overrides the user count of the scale (the catalogue still follows the scale). */
  readonly users?: number;
  readonly batchUsers?: number;
  /** Default `sql`: accounts in bulk over the database connection the seed needs anyway. */
  readonly authWriter?: AuthWriterKind;
  readonly target: SeedTarget;
  readonly log?: (line: string) => void;
  /** Status of the long phases (accounts, COPY per table, FK verification); see seed/progress.ts. */
  readonly progress?: Progress;
  /** Benchmark hook: the COPY connection's backend pid, right after connecting and before closing. */
  readonly onBackend?: (pid: number, phase: 'start' | 'end') => void;
}

export interface SeedPlan {
  readonly runId: string;
  readonly params: SeedParams;
  readonly batchUsers: number;
}

export interface SeedResult extends SeedPlan {
  readonly rows: ReadonlyMap<string, number>;
  readonly copyMs: ReadonlyMap<string, number>;
  readonly totalMs: number;
  /** Creating the Auth accounts: the one hash and the COPY (sql), or the admin API calls. */
  readonly authMs: number;
  readonly authWriter: AuthWriterKind;
  /** Requests the admin API writer repeated after a 429/5xx (0 for sql). */
  readonly authRetries: number;
  /** Time spent simulating and encoding rows in Node (not overlapped with COPY). */
  readonly generateMs: number;
  readonly world: World;
}

export function planSeed(options: Pick<SeedOptions, 'seed' | 'scale' | 'users' | 'batchUsers'>): SeedPlan {
  if (!(options.scale > 0) || !Number.isFinite(options.scale)) {
    throw new UsageError(`--scale must be a positive number, received ${options.scale}`);
  }
  if (options.users !== undefined && (!Number.isInteger(options.users) || options.users < 1)) {
    throw new UsageError(`--users must be a positive integer, received ${options.users}`);
  }
  const params: SeedParams = {
    seed: options.seed,
    scale: options.scale,
    users: options.users ?? userCount(options.scale),
    products: productCount(options.scale),
  };
  const digest = createHash('sha256')
    .update(JSON.stringify([GENERATOR_VERSION, MODEL_VERSION, params]))
    .digest('hex')
    .slice(0, 8);
  return { runId: `run-${slug(params.seed)}-${digest}`, params, batchUsers: options.batchUsers ?? DEFAULT_BATCH_USERS };
}

/** The ten categories: existing rows by slug; missing slugs are created and recorded as the run's. */
async function ensureCategories(client: pg.Client, runId: string): Promise<Category[]> {
  const existing = await client.query<{ id: string; slug: string }>(
    'select id::text, slug from public.categories where slug = any($1)',
    [categorySlugs],
  );
  const bySlug = new Map(existing.rows.map((r) => [r.slug, r.id]));
  for (const s of categorySlugs) {
    if (bySlug.has(s)) continue;
    const c = categoryNames[s];
    const inserted = await client.query<{ id: string }>(
      'insert into public.categories (name, slug, description, sort_order) values ($1, $2, $3, $4) returning id::text',
      [c.name, s, c.description, c.sortOrder],
    );
    const id = inserted.rows[0]!.id;
    await client.query('insert into kit_truth.categories (run_id, category_id, slug) values ($1, $2, $3)', [
      runId,
      id,
      s,
    ]);
    bySlug.set(s, id);
  }
  return categorySlugs.map((s) => ({ slug: s, id: uuidBytes(bySlug.get(s)!) }));
}

async function writeProducts(client: pg.Client, world: World, runId: string, sink: BatchWriter): Promise<void> {
  const truth = new BinaryCopyEncoder();
  const rows = new BinaryCopyEncoder();
  for (const p of world.products) {
    const made = productRows(world, runId, p);
    encodeRow(truth, truthTables.products, made.truth);
    encodeRow(rows, publicTables.products, made.row);
  }
  let started = performance.now();
  await copyChunks(client, truthTables.products, truth.take());
  sink.copyMs.set('kit_truth.products', performance.now() - started);
  started = performance.now();
  await copyChunks(client, publicTables.products, rows.take());
  sink.copyMs.set('public.products', performance.now() - started);
  sink.totals.set('public.products', world.products.length);
  sink.totals.set('kit_truth.products', world.products.length);
}

export async function runSeed(options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? noProgress;
  const plan = planSeed(options);
  const { runId, params } = plan;
  const target = options.target;
  if (!target.databaseUrl) {
    throw new UsageError(
      'seeding needs a database connection for COPY: set DATABASE_URL to the staging database (superuser or service connection)',
    );
  }
  const started = performance.now();
  const client = await connect(target.databaseUrl, target.databaseSetting);
  let runCreated = false;
  const backendPid = options.onBackend
    ? (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
    : 0;
  options.onBackend?.(backendPid, 'start');
  try {
    const authKind = options.authWriter ?? 'sql';
    const adminApi = authKind === 'admin-api' ? new AdminApiAuth(target.supabaseUrl, target.serviceRoleKey) : undefined;
    if (adminApi) await adminApi.check();

    // A seed's rows are recoverable (re-run or --clean), so commits need not wait for the WAL flush.
    await client.query('set synchronous_commit = off');
    // With a superuser connection, per-row FK triggers are skipped during COPY (the generator makes
    // parents first and picks references by construction) and every FK of the run's rows is then
    // checked once, set-based, at the end (seed/verify-fks.ts). Without superuser the server checks
    // each row as usual.
    const superuser =
      (await client.query<{ s: boolean }>('select rolsuper as s from pg_roles where rolname = current_user')).rows[0]
        ?.s === true;
    if (superuser) await client.query(`set session_replication_role = replica`);
    const truthReady = await client.query(`select to_regclass('kit_truth.runs') is not null as ok`);
    if (!truthReady.rows[0]?.ok) {
      throw new UsageError(
        `the database has no kit_truth tables (migration 0040_seed_truth.sql); run \`npm run stack -- up\` or apply db/migrations first`,
      );
    }
    const clash = await client.query<{ run_id: string; status: string }>(
      'select run_id, status from kit_truth.runs where seed = $1',
      [params.seed],
    );
    if (clash.rows[0]) {
      const r = clash.rows[0];
      throw new UsageError(
        `seed "${params.seed}" is already used by run ${r.run_id} (${r.status}) in this database; ids and e-mails derive from the seed`,
        [`Clean it first (npm run seed -- --clean ${r.run_id}) or choose another --seed.`],
      );
    }
    await client.query(
      `insert into kit_truth.runs (run_id, seed, params, versions, target, status) values ($1, $2, $3, $4, $5, 'running')`,
      [
        runId,
        params.seed,
        JSON.stringify({
          ...params,
          batchUsers: plan.batchUsers,
          authWriter: authKind,
          fkChecks: superuser ? 'set-based after load' : 'per row',
        }),
        JSON.stringify({
          generator: GENERATOR_VERSION,
          model: MODEL_VERSION,
          faker: FAKER_VERSION,
          node: process.version,
        }),
        target.kind,
      ],
    );
    runCreated = true;
    log(
      `run ${runId}: ${params.users} users, ${params.products} products (seed ${params.seed}, scale ${params.scale})`,
    );

    const categories = await ensureCategories(client, runId);
    const world = new World(params, categories);
    const auth: AuthWriter = adminApi ?? new SqlAuth(client, world.passwordSalt());
    const sink = new BatchWriter(client);
    await writeProducts(client, world, runId, sink);
    log(`  products    ${world.products.length}`);

    const password = world.password();
    let authMs = 0;
    let accountsMade = 0;
    let generateMs = 0;
    const loadStarted = performance.now();
    const via = auth.kind === 'sql' ? 'bulk COPY' : 'admin API';
    const status = (first: number, doing: string) => {
      const ms = performance.now() - loadStarted;
      const retried = auth.retries > 0 ? `, ${count(auth.retries)} retried` : '';
      progress.update(
        `  seeding users ${count(first)}/${count(params.users)} · accounts ${count(accountsMade)} (${via}, ${rate(accountsMade, authMs)}/s${retried}) · ${count(sink.publicRows())} rows (${rate(sink.publicRows(), ms)}/s) · ${doing}`,
      );
    };
    sink.onTable = (table, rows, ms) =>
      status(sink.usersDone, `COPY ${table} ${count(rows)} rows at ${rate(rows, ms)}/s`);
    // Batch k is written while batch k+1 is generated: Node and the server backend work in parallel.
    let inflight: Promise<void> | undefined;
    const writeBatch = async (batch: Batch, batchAccounts: readonly AuthAccount[], first: number, last: number) => {
      // Ownership first: once the truth lists a user, --clean can find everything made for it.
      await sink.writeTruth(batch, 'users');
      const authStarted = performance.now();
      await auth.create(batchAccounts, password, (n) => {
        if (auth.kind === 'admin-api') status(first + n, `accounts ${count(first + n)}/${count(params.users)}`);
      });
      authMs += performance.now() - authStarted;
      accountsMade += batchAccounts.length;
      await sink.writePublic(batch);
      await sink.writeTruth(batch, 'clicks');
      await sink.writeTruth(batch, 'conversions');
      sink.usersDone = last;
      status(last, `batch ${count(last)}/${count(params.users)} written`);
    };
    for (let first = 0; first < params.users; first += plan.batchUsers) {
      const last = Math.min(params.users, first + plan.batchUsers);
      const accounts: AuthAccount[] = [];
      const batch = new Batch();
      let generateStarted = performance.now();
      let yielded = performance.now();
      for (let u = first; u < last; u++) {
        if (inflight && performance.now() - yielded > YIELD_MS) {
          // Let the in-flight COPY's socket writes and completions run: a COPY of a small table waits
          // for the event loop, not for the server, if the generator holds it for long.
          generateMs += performance.now() - generateStarted;
          await new Promise((resolve) => setImmediate(resolve));
          generateStarted = yielded = performance.now();
        }
        accounts.push(userRows(world, runId, u, batch));
      }
      generateMs += performance.now() - generateStarted;
      if (inflight) await inflight;
      inflight = writeBatch(batch, accounts, first, last);
      // Observed by the await above or below; this only keeps a failure from being "unhandled" meanwhile.
      inflight.catch(() => undefined);
    }
    if (inflight) await inflight;
    const loadMs = performance.now() - loadStarted;
    progress.line(
      `  accounts    ${count(accountsMade)} in ${(authMs / 1000).toFixed(1)} s (${rate(accountsMade, authMs)}/s, ${via}${auth.retries > 0 ? `, ${count(auth.retries)} requests retried` : ''})`,
    );
    progress.line(
      `  rows        ${count(sink.publicRows())} public rows in ${(loadMs / 1000).toFixed(1)} s (${rate(sink.publicRows(), loadMs)}/s, accounts and truth included)`,
    );
    if (auth instanceof SqlAuth) sink.copyMs.set('auth.users', auth.copyMs);
    const orphans = new Batch();
    orphanConversions(world, runId, orphans);
    await sink.writeTruth(orphans, 'conversions');
    if (superuser) {
      await client.query('set session_replication_role = origin');
      const verifyStarted = performance.now();
      const checked = await verifyRunForeignKeys(client, runId, (done, total, fk) =>
        progress.update(
          `  FK verification ${done}/${total} · ${fk} · ${((performance.now() - verifyStarted) / 1000).toFixed(1)} s`,
        ),
      );
      sink.copyMs.set('fk-verification', performance.now() - verifyStarted);
      progress.line(
        `  FK checks   ${checked} foreign keys over the run's rows in ${((performance.now() - verifyStarted) / 1000).toFixed(1)} s`,
      );
    }

    const totalMs = performance.now() - started;
    const rows = new Map([...sink.totals.entries()].sort());
    rows.set('auth.users', accountsMade);
    await client.query(
      `update kit_truth.runs set status = 'complete', finished_at = now(), timings = $2, row_counts = $3 where run_id = $1`,
      [
        runId,
        JSON.stringify({
          totalMs: Math.round(totalMs),
          authMs: Math.round(authMs),
          generateMs: Math.round(generateMs),
          copyMs: Object.fromEntries([...sink.copyMs].map(([k, v]) => [k, Math.round(v)])),
        }),
        JSON.stringify(Object.fromEntries(rows)),
      ],
    );
    return {
      ...plan,
      rows,
      copyMs: sink.copyMs,
      totalMs,
      authMs,
      authWriter: auth.kind,
      authRetries: auth.retries,
      generateMs,
      world,
    };
  } catch (error) {
    if (runCreated) {
      await client
        .query(`update kit_truth.runs set status = 'failed', finished_at = now(), error = $2 where run_id = $1`, [
          runId,
          String((error as Error).message ?? error).slice(0, 2000),
        ])
        .catch(() => undefined);
    }
    if (error instanceof KitError) throw error;
    // A database refusal mid-run (constraint, permission, lost connection): one line, the run named.
    const e = error as { message?: string; table?: string; detail?: string };
    throw new EnvironmentError(
      `seed ${runCreated ? `run ${runId} ` : ''}failed: ${e.message ?? String(error)}${e.detail ? ` (${e.detail})` : ''}`,
      runCreated ? [`The run is marked failed; remove what it wrote with: npm run seed -- --clean ${runId}`] : [],
    );
  } finally {
    options.onBackend?.(backendPid, 'end');
    await client.end().catch(() => undefined);
  }
}
