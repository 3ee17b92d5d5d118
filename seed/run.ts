/**
 * One seed run, end to end: plan → run row ('running') → categories → products → batches of users
 * (truth first, then Auth accounts, then their rows in FK order) → orphan postbacks → run row
 * ('complete'). A failure marks the run 'failed'; a killed process leaves it 'running'. Either way
 * `--clean <run id>` removes exactly what it wrote.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { EnvironmentError, KitError, UsageError } from '../lib/errors.ts';
import { packageVersion } from '../lib/package-version.ts';
import { connect } from '../lib/pg/connect.ts';
import { count, noProgress, type Progress, rate } from '../lib/progress.ts';
import { categoryNames, categorySlugs, MODEL_VERSION, productCount, userCount } from '../model/behaviour.ts';
import { AdminApiAuth, type AuthAccount, type AuthWriter, SqlAuth } from './auth.ts';
import { Batch, BatchWriter, CopyTally } from './batch.ts';
import { BinaryCopyEncoder } from './copy/binary.ts';
import { copyChunks } from './copy/copy.ts';
import { productRows } from './product-rows.ts';
import { orphanConversions } from './simulate.ts';
import { encodeRow, publicTables, truthTables } from './tables.ts';
import { cleanCommand, type SeedTarget } from './target.ts';
import { userRows } from './user-rows.ts';
import { uuidBytes } from './uuid.ts';
import { verifyRunForeignKeys } from './verify-fks.ts';
import { type Category, type SeedParams, slug, World } from './world.ts';

/** Bump when the generator's output changes for the same seed and parameters. */
export const GENERATOR_VERSION = 'seed-generator-v1';
/** faker draws the cosmetic columns: its version is part of what makes a run reproducible. */
export const FAKER_VERSION = packageVersion('@faker-js/faker') ?? 'unknown';
/** Users per batch: W + 1 batches are in memory at once (one generating, W being written). */
export const DEFAULT_BATCH_USERS = 500;
/** Writer connections: two keep both cores of a small machine busy next to the generator. */
export const DEFAULT_WRITERS = 2;

/** The longest the generator holds the event loop while a batch is being written. */
const YIELD_MS = 3;

export type AuthWriterKind = 'admin-api' | 'sql';

export interface SeedOptions {
  readonly seed: string;
  readonly scale: number;
  /** Overrides the user count of the scale (the catalogue still follows the scale). */
  readonly users?: number;
  readonly batchUsers?: number;
  /**
   * Connections writing batches at once (default 2): the server works on W batches while Node
   * generates the next. The admin-API account writer always uses one.
   */
  readonly writers?: number;
  /** Default `sql`: accounts in bulk over the database connection the seed needs anyway. */
  readonly authWriter?: AuthWriterKind;
  readonly target: SeedTarget;
  readonly log?: (line: string) => void;
  /** Status of the long phases (accounts, COPY per table, FK verification); see lib/progress.ts. */
  readonly progress?: Progress;
  /** Benchmark hook: each COPY connection's backend pid, right after connecting and before closing. */
  readonly onBackend?: (pid: number, phase: 'start' | 'end') => void;
  /**
   * Leave the run 'running' once its rows are written (row_counts recorded), for a caller with more
   * to do before the run is usable (sign-ins, the manifest), which then calls markRunComplete.
   */
  readonly deferComplete?: boolean;
}

export interface SeedPlan {
  readonly runId: string;
  readonly params: SeedParams;
  readonly batchUsers: number;
  readonly writers: number;
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
  /** Wall time of the batches: first generated to last written, over every writer (products apart). */
  readonly loadMs: number;
  /** Time spent simulating and encoding rows in Node (not overlapped with COPY). */
  readonly generateMs: number;
  readonly world: World;
}

export function planSeed(
  options: Pick<SeedOptions, 'seed' | 'scale' | 'users' | 'batchUsers' | 'writers' | 'authWriter'>,
): SeedPlan {
  if (!(options.scale > 0) || !Number.isFinite(options.scale)) {
    throw new UsageError(`--scale must be a positive number, received ${options.scale}`);
  }
  if (options.users !== undefined && (!Number.isInteger(options.users) || options.users < 1)) {
    throw new UsageError(`--users must be a positive integer, received ${options.users}`);
  }
  if (
    options.writers !== undefined &&
    (!Number.isInteger(options.writers) || options.writers < 1 || options.writers > 16)
  ) {
    throw new UsageError(`--writers must be an integer from 1 to 16, received ${options.writers}`);
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
  return {
    runId: `run-${slug(params.seed)}-${digest}`,
    params,
    batchUsers: options.batchUsers ?? DEFAULT_BATCH_USERS,
    // The admin API has its own bounded concurrency; its batches go one at a time.
    writers: options.authWriter === 'admin-api' ? 1 : (options.writers ?? DEFAULT_WRITERS),
  };
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

/**
 * The world of a run whose rows are all written, to finish what comes after them (sign-ins, the
 * manifest): the same parameters give the same users, and its categories are found by slug.
 */
export async function writtenWorld(client: pg.Client, params: SeedParams): Promise<World> {
  const found = await client.query<{ id: string; slug: string }>(
    'select id::text, slug from public.categories where slug = any($1)',
    [categorySlugs],
  );
  const bySlug = new Map(found.rows.map((r) => [r.slug, r.id]));
  const missing = categorySlugs.filter((s) => !bySlug.has(s));
  if (missing.length > 0) throw new EnvironmentError(`the run's categories are gone: ${missing.join(', ')}`);
  return new World(
    params,
    categorySlugs.map((s) => ({ slug: s, id: uuidBytes(bySlug.get(s)!) })),
  );
}

/** The run is usable: everything after its rows is done too. */
export async function markRunComplete(client: pg.Client, runId: string): Promise<void> {
  await client.query(`update kit_truth.runs set status = 'complete', finished_at = now() where run_id = $1`, [runId]);
}

async function writeProducts(client: pg.Client, world: World, runId: string, tally: CopyTally): Promise<void> {
  const truth = new BinaryCopyEncoder();
  const rows = new BinaryCopyEncoder();
  for (const p of world.products) {
    const made = productRows(world, runId, p);
    encodeRow(truth, truthTables.products, made.truth);
    encodeRow(rows, publicTables.products, made.row);
  }
  let started = performance.now();
  await copyChunks(client, truthTables.products, truth.take());
  tally.add('kit_truth.products', world.products.length, performance.now() - started);
  started = performance.now();
  await copyChunks(client, publicTables.products, rows.take());
  tally.add('public.products', world.products.length, performance.now() - started);
}

/**
 * `fn` in one transaction with the seed's settings set for that transaction only: through a
 * transaction-mode pooler a session-level SET would stay on the server connection the app is handed
 * next. A seed's rows are recoverable (re-run or --clean), so commits need not wait for the WAL
 * flush; with a superuser connection per-row FK triggers are skipped (see runSeed).
 */
async function inTransaction<T>(client: pg.Client, superuser: boolean, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    await client.query('set local synchronous_commit = off');
    if (superuser) await client.query('set local session_replication_role = replica');
    const out = await fn();
    await client.query('commit');
    return out;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
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
  const extraClients: pg.Client[] = [];
  const extraPids: number[] = [];
  // Each writer's batch being written, by writer: when one fails, the others' are awaited before their
  // connections close.
  const inflight: Promise<void>[] = [];
  try {
    const authKind = options.authWriter ?? 'sql';
    const adminApi = authKind === 'admin-api' ? new AdminApiAuth(target.supabaseUrl, target.serviceRoleKey) : undefined;
    if (adminApi) await adminApi.check();

    // With a superuser connection, per-row FK triggers are skipped during COPY (the generator makes
    // parents first and picks references by construction) and every FK of the run's rows is then
    // checked once, set-based, at the end (seed/verify-fks.ts). Without superuser the server checks
    // each row as usual. Either way only inside the seed's own transactions (inTransaction).
    const superuser =
      (await client.query<{ s: boolean }>('select rolsuper as s from pg_roles where rolname = current_user')).rows[0]
        ?.s === true;
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
        [`Clean it first (${cleanCommand(target, r.run_id)}) or choose another --seed.`],
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
          writers: plan.writers,
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

    const categories = await inTransaction(client, superuser, () => ensureCategories(client, runId));
    const world = new World(params, categories);
    const tally = new CopyTally();
    await inTransaction(client, superuser, () => writeProducts(client, world, runId, tally));
    log(`  products    ${world.products.length}`);

    // The run's first connection is writer 0; the others write in the same kind of transactions.
    for (let w = 1; w < plan.writers; w++) {
      const extra = await connect(target.databaseUrl, target.databaseSetting);
      extraClients.push(extra);
      if (options.onBackend) {
        const pid = (await extra.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
        extraPids.push(pid);
        options.onBackend(pid, 'start');
      }
    }
    const sqlAuth = adminApi ? undefined : new SqlAuth(client, world.passwordSalt());
    const auth: AuthWriter = adminApi ?? sqlAuth!;
    const writers = [client, ...extraClients].map((c, i) => ({
      client: c,
      sink: new BatchWriter(c, tally),
      auth: i === 0 || !sqlAuth ? auth : sqlAuth.on(c),
    }));

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
        `  seeding users ${count(first)}/${count(params.users)} · accounts ${count(accountsMade)} (${via}, ${rate(accountsMade, authMs)}/s${retried}) · ${count(tally.publicRows())} rows (${rate(tally.publicRows(), ms)}/s) · ${doing}`,
      );
    };
    tally.onTable = (table, rows, ms) =>
      status(tally.usersDone, `COPY ${table} ${count(rows)} rows at ${rate(rows, ms)}/s`);
    // Each writer streams its batch while the next is generated: Node and W server backends work at
    // once. Batches share no rows but the products, written above, so their order does not matter.
    const writeBatch = async (
      writer: (typeof writers)[number],
      batch: Batch,
      batchAccounts: readonly AuthAccount[],
      first: number,
    ) => {
      const createAccounts = async () => {
        const authStarted = performance.now();
        await writer.auth.create(batchAccounts, password, (n) => {
          if (writer.auth.kind === 'admin-api')
            status(first + n, `accounts ${count(first + n)}/${count(params.users)}`);
        });
        authMs += performance.now() - authStarted;
        accountsMade += batchAccounts.length;
      };
      const inBatch = <T>(fn: () => Promise<T>) => inTransaction(writer.client, superuser, fn);
      // Ownership first: once the truth lists a user, --clean can find everything made for it. Accounts
      // made over HTTP outlive a rolled-back transaction, so their owners are committed before them.
      if (writer.auth.kind === 'admin-api') {
        await inBatch(() => writer.sink.writeTruth(batch, 'users'));
        await createAccounts();
      }
      await inBatch(async () => {
        if (writer.auth.kind !== 'admin-api') {
          await writer.sink.writeTruth(batch, 'users');
          await createAccounts();
        }
        await writer.sink.writePublic(batch);
        await writer.sink.writeTruth(batch, 'clicks');
        await writer.sink.writeTruth(batch, 'conversions');
      });
      tally.usersDone += batchAccounts.length;
      status(tally.usersDone, `${count(tally.usersDone)}/${count(params.users)} users written`);
    };
    let turn = 0;
    for (let first = 0; first < params.users; first += plan.batchUsers) {
      const last = Math.min(params.users, first + plan.batchUsers);
      const accounts: AuthAccount[] = [];
      const batch = new Batch();
      let generateStarted = performance.now();
      let yielded = performance.now();
      for (let u = first; u < last; u++) {
        if (inflight.length > 0 && performance.now() - yielded > YIELD_MS) {
          // Let the in-flight COPYs' socket writes and completions run: a COPY of a small table waits
          // for the event loop, not for the server, if the generator holds it for long.
          generateMs += performance.now() - generateStarted;
          await new Promise((resolve) => setImmediate(resolve));
          generateStarted = yielded = performance.now();
        }
        accounts.push(userRows(world, runId, u, batch));
      }
      generateMs += performance.now() - generateStarted;
      const w = turn++ % writers.length;
      await inflight[w];
      inflight[w] = writeBatch(writers[w]!, batch, accounts, first);
      // Observed by the awaits above or below; this only keeps a failure from being "unhandled" meanwhile.
      inflight[w].catch(() => undefined);
    }
    for (const writing of inflight) await writing;
    const loadMs = performance.now() - loadStarted;
    const authCopyMs = sqlAuth?.copyMs;
    progress.line(
      `  accounts    ${count(accountsMade)} in ${(authMs / 1000).toFixed(1)} s (${rate(accountsMade, authMs)}/s, ${via}${auth.retries > 0 ? `, ${count(auth.retries)} requests retried` : ''})`,
    );
    progress.line(
      `  rows        ${count(tally.publicRows())} public rows in ${(loadMs / 1000).toFixed(1)} s (${rate(tally.publicRows(), loadMs)}/s over ${writers.length} connection${writers.length === 1 ? '' : 's'}, accounts and truth included)`,
    );
    if (authCopyMs !== undefined) tally.copyMs.set('auth.users', authCopyMs);
    const orphans = new Batch();
    orphanConversions(world, runId, orphans);
    await inTransaction(client, superuser, () => writers[0]!.sink.writeTruth(orphans, 'conversions'));
    if (superuser) {
      const verifyStarted = performance.now();
      const checkers = [client, ...extraClients];
      const checked = await verifyRunForeignKeys(checkers, runId, (done, total, fk) =>
        progress.update(
          `  FK verification ${done}/${total} · ${fk} · ${((performance.now() - verifyStarted) / 1000).toFixed(1)} s`,
        ),
      );
      tally.copyMs.set('fk-verification', performance.now() - verifyStarted);
      progress.line(
        `  FK checks   ${checked} foreign keys over the run's rows in ${((performance.now() - verifyStarted) / 1000).toFixed(1)} s`,
      );
    }

    const totalMs = performance.now() - started;
    const rows = new Map([...tally.totals.entries()].sort());
    rows.set('auth.users', accountsMade);
    await client.query(
      options.deferComplete
        ? 'update kit_truth.runs set timings = $2, row_counts = $3 where run_id = $1'
        : `update kit_truth.runs set status = 'complete', finished_at = now(), timings = $2, row_counts = $3 where run_id = $1`,
      [
        runId,
        JSON.stringify({
          totalMs: Math.round(totalMs),
          authMs: Math.round(authMs),
          generateMs: Math.round(generateMs),
          copyMs: Object.fromEntries([...tally.copyMs].map(([k, v]) => [k, Math.round(v)])),
        }),
        JSON.stringify(Object.fromEntries(rows)),
      ],
    );
    return {
      ...plan,
      rows,
      copyMs: tally.copyMs,
      totalMs,
      loadMs,
      authMs,
      authWriter: auth.kind,
      authRetries: auth.retries,
      generateMs,
      world,
    };
  } catch (error) {
    if (runCreated) {
      // Each writer's batch is its own transaction, writer 0's on this connection: let them end first,
      // so the mark is not made (and rolled back) inside one of them.
      await Promise.allSettled(inflight);
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
      runCreated
        ? [
            `The run is marked failed: run the same command again (it removes this run first), or remove it: ${cleanCommand(target, runId)}`,
          ]
        : [],
    );
  } finally {
    await Promise.allSettled(inflight);
    options.onBackend?.(backendPid, 'end');
    for (const pid of extraPids) options.onBackend?.(pid, 'end');
    await client.end().catch(() => undefined);
    for (const c of extraClients) await c.end().catch(() => undefined);
  }
}
