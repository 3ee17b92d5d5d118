/** Access to the seed's planted truth (kit_truth, db/migrations/0040): which runs can be judged. */
import type pg from 'pg';

export interface TruthRuns {
  /** Runs of ctx.seedRunIds that exist and are complete. */
  readonly complete: string[];
  /** Why some or all runs cannot be judged (absent schema, unknown or incomplete run). */
  readonly problems: string[];
}

export async function judgedRuns(pool: pg.Pool, runIds: readonly string[]): Promise<TruthRuns> {
  const exists = await pool.query<{ ok: boolean }>("select to_regclass('kit_truth.runs') is not null as ok");
  if (exists.rows[0]?.ok !== true) {
    return {
      complete: [],
      problems: [
        'the truth schema kit_truth (tables runs, users, clicks, conversions) is absent: seed the target with `npm run seed` first',
      ],
    };
  }
  if (runIds.length === 0) return { complete: [], problems: ['no seed run id was given or found (kit_truth.runs)'] };
  const r = await pool.query<{ run_id: string; status: string }>(
    'select run_id, status from kit_truth.runs where run_id = any ($1::text[]) order by run_id',
    [runIds],
  );
  const problems: string[] = [];
  for (const id of runIds) {
    const row = r.rows.find((x) => x.run_id === id);
    if (row === undefined) problems.push(`seed run ${id} is not in kit_truth.runs`);
    else if (row.status !== 'complete') problems.push(`seed run ${id} is ${row.status}, not complete`);
  }
  return { complete: r.rows.filter((x) => x.status === 'complete').map((x) => x.run_id), problems };
}
