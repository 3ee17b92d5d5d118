/**
 * `--clean RUN_ID` and `--list`.
 *
 * Ownership is the truth: kit_truth.users lists every user a run created (written before the user's
 * account and rows), kit_truth.products its products, kit_truth.categories any category it had to
 * create. Clean deletes, children first and in batches, the rows of exactly those users and
 * products, then their Auth accounts, then the truth. Rows of other users are never touched. Rows
 * that other actors (a load test) attached to the run's users go too, as deleting the Auth account
 * would cascade to them anyway.
 */
import type pg from 'pg';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import type { AuthWriter } from './auth.ts';

const BATCH = 1000;

/** Children first: every table that holds a user_id, in an order no FK blocks. */
const USER_TABLES = [
  'recommendation_feedback',
  'product_views',
  'affiliate_clicks',
  'session_analytics',
  'swipe_interactions',
  'recommendations',
  'swipe_sessions',
  'profiles',
] as const;

export interface RunRow {
  run_id: string;
  seed: string;
  status: string;
  target: string;
  started_at: Date;
  finished_at: Date | null;
  params: Record<string, unknown>;
  row_counts: Record<string, number>;
}

export async function listRuns(client: pg.Client): Promise<RunRow[]> {
  const r = await client.query<RunRow>(
    'select run_id, seed, status, target, started_at, finished_at, params, row_counts from kit_truth.runs order by started_at',
  );
  return r.rows;
}

export async function findRun(client: pg.Client, runId: string): Promise<RunRow> {
  const r = await client.query<RunRow>(
    'select run_id, seed, status, target, started_at, finished_at, params, row_counts from kit_truth.runs where run_id = $1',
    [runId],
  );
  if (!r.rows[0])
    throw new UsageError(`--clean ${runId}: no such run in kit_truth.runs`, [
      'List the runs with: npm run seed -- --list',
    ]);
  return r.rows[0];
}

export interface CleanResult {
  readonly deleted: ReadonlyMap<string, number>;
}

export async function cleanRun(
  client: pg.Client,
  runId: string,
  auth: AuthWriter,
  log: (line: string) => void = () => undefined,
): Promise<CleanResult> {
  await findRun(client, runId);
  const deleted = new Map<string, number>();
  const add = (table: string, n: number | null) => deleted.set(table, (deleted.get(table) ?? 0) + (n ?? 0));

  for (;;) {
    // Walk the run's users in batches; each batch's truth rows go last so a crash can resume.
    const ids = (
      await client.query<{ id: string }>(
        'select user_id::text as id from kit_truth.users where run_id = $1 order by user_index limit $2',
        [runId, BATCH],
      )
    ).rows.map((r) => r.id);
    if (ids.length === 0) break;
    for (const table of USER_TABLES) {
      const column = table === 'profiles' ? 'id' : 'user_id';
      add(
        `public.${table}`,
        (await client.query(`delete from public.${table} where ${column} = any($1::uuid[])`, [ids])).rowCount,
      );
    }
    add('public.users', (await client.query('delete from public.users where id = any($1::uuid[])', [ids])).rowCount);
    add('auth.users', await auth.remove(ids));
    await client.query('delete from kit_truth.users where run_id = $1 and user_id = any($2::uuid[])', [runId, ids]);
    log(`  cleaned ${deleted.get('public.users') ?? 0} users`);
  }

  for (;;) {
    const ids = (
      await client.query<{ id: string }>(
        'select product_id::text as id from kit_truth.products where run_id = $1 limit $2',
        [runId, BATCH],
      )
    ).rows.map((r) => r.id);
    if (ids.length === 0) break;
    try {
      add(
        'public.products',
        (await client.query('delete from public.products where id = any($1::uuid[])', [ids])).rowCount,
      );
    } catch (error) {
      const e = error as { code?: string; table?: string; detail?: string };
      if (e.code === '23503') {
        throw new EnvironmentError(
          `--clean ${runId}: products of this run are still referenced by rows it did not create (${e.table ?? 'another table'}: ${e.detail ?? ''}); they were left in place`,
          ['Delete or re-point those rows first, then run --clean again (the run stays listed until then).'],
        );
      }
      throw error;
    }
    await client.query('delete from kit_truth.products where run_id = $1 and product_id = any($2::uuid[])', [
      runId,
      ids,
    ]);
  }

  const cats = await client.query<{ id: string }>(
    'select category_id::text as id from kit_truth.categories where run_id = $1',
    [runId],
  );
  if (cats.rows.length > 0) {
    // Only categories this run created, and only if nothing else uses them now.
    add(
      'public.categories',
      (
        await client.query(
          `delete from public.categories c where c.id = any($1::uuid[])
         and not exists (select 1 from public.products p where p.category_id = c.id)
         and not exists (select 1 from public.swipe_interactions s where s.category_id = c.id)
         and not exists (select 1 from public.categories k where k.parent_id = c.id)`,
          [cats.rows.map((r) => r.id)],
        )
      ).rowCount,
    );
  }
  await client.query('delete from kit_truth.runs where run_id = $1', [runId]);
  return { deleted };
}
