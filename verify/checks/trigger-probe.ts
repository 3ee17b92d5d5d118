/**
 * Does each trigger fire? One UPDATE per trigger, on one existing row, setting the column the
 * trigger function writes to a sentinel; if the row comes back with the sentinel, the trigger did
 * not run. Everything happens in one transaction that is always rolled back (each probe in its own
 * savepoint, so one failure does not hide the others), and rows locked by the app are skipped
 * rather than waited for: the probe leaves no change and does not stall a live target.
 */
import type pg from 'pg';
import type { ExpectedTrigger } from './deployment-manifest.ts';
import { oneLine } from './result.ts';

/** What each of the deployment's trigger functions does to a row, as a probe can observe it. */
const EFFECTS: Readonly<
  Record<string, { readonly column: string; readonly sentinel: string; readonly rowFilter?: string }>
> = {
  update_updated_at_column: { column: 'updated_at', sentinel: '2000-01-01 00:00:00+00' },
  // Rebuilds full_name from first/last name when either is set.
  update_name_fields: {
    column: 'full_name',
    sentinel: 'kit trigger probe',
    rowFilter: 'first_name is not null or last_name is not null',
  },
};

export interface FireResult {
  readonly table: string;
  readonly trigger: string;
  readonly outcome: 'fired' | 'did_not_fire' | 'not_exercised' | 'error';
  readonly detail: string;
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export async function probeTriggers(pool: pg.Pool, triggers: readonly ExpectedTrigger[]): Promise<FireResult[]> {
  const client = await pool.connect();
  const results: FireResult[] = [];
  try {
    await client.query('BEGIN');
    await client.query("set local lock_timeout = '2s'");
    await client.query("set local statement_timeout = '15s'");
    for (const t of triggers) {
      const effect = EFFECTS[t.function];
      const base = { table: t.table, trigger: t.trigger };
      if (effect === undefined) {
        results.push({
          ...base,
          outcome: 'not_exercised',
          detail: `no probe knows what public.${t.function}() changes`,
        });
        continue;
      }
      const table = `public.${ident(t.table)}`;
      const column = ident(effect.column);
      await client.query('SAVEPOINT kit_trigger_probe');
      try {
        // $1 takes the column's type from the SET, so the comparison is in that type, not as text.
        const r = await client.query<{ kept: boolean }>(
          `update ${table} set ${column} = $1 where ctid = (select ctid from ${table}${effect.rowFilter ? ` where ${effect.rowFilter}` : ''} limit 1 for update skip locked)
           returning ${column} is not distinct from $1 as kept`,
          [effect.sentinel],
        );
        const row = r.rows[0];
        if (row === undefined)
          results.push({
            ...base,
            outcome: 'not_exercised',
            detail: `no row of ${t.table} to update${effect.rowFilter ? ` (${effect.rowFilter})` : ''}`,
          });
        else if (row.kept)
          results.push({
            ...base,
            outcome: 'did_not_fire',
            detail: `UPDATE set ${effect.column} = '${effect.sentinel}' and the row kept it: the trigger did not run`,
          });
        else results.push({ ...base, outcome: 'fired', detail: `${effect.column} rewritten by the trigger` });
      } catch (error) {
        results.push({ ...base, outcome: 'error', detail: `the probe UPDATE failed: ${oneLine(error)}` });
      } finally {
        await client.query('ROLLBACK TO SAVEPOINT kit_trigger_probe');
      }
    }
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
  return results;
}
