/**
 * Set-based check of every foreign key of a run's rows, used when the COPY ran with per-row FK
 * triggers off (session_replication_role = replica). One anti-join per FK over the run's rows costs
 * a fraction of what a trigger query per row costs; a violation fails the run like the trigger would.
 */
import type pg from 'pg';
import { EnvironmentError } from '../lib/errors.ts';
import { seededPublicTables } from './tables.ts';

/** How to select a run's rows in each table the seed writes. */
const OWNERSHIP: Record<string, string> = {
  products: `id in (select product_id from kit_truth.products where run_id = $1)`,
  users: `id in (select user_id from kit_truth.users where run_id = $1)`,
  profiles: `id in (select user_id from kit_truth.users where run_id = $1)`,
};
const BY_USER = `user_id in (select user_id from kit_truth.users where run_id = $1)`;
const SEEDED = seededPublicTables.map((t) => t.replace(/^public\./, ''));

interface ForeignKey {
  name: string;
  child: string;
  column: string;
  parent: string;
  parentColumn: string;
}

/**
 * Checks every FK, one per connection at a time over `clients`; `progress` is told as each starts.
 * Returns how many FKs were checked.
 */
export async function verifyRunForeignKeys(
  clients: readonly pg.Client[],
  runId: string,
  progress: (done: number, total: number, fk: string) => void = () => undefined,
): Promise<number> {
  const fks = (
    await clients[0]!.query<ForeignKey>(
      `select c.conname as name, ch.relname as child, a.attname as column,
              format('%I.%I', pn.nspname, pa.relname) as parent, pa_att.attname as "parentColumn"
         from pg_constraint c
         join pg_class ch on ch.oid = c.conrelid join pg_namespace cn on cn.oid = ch.relnamespace
         join pg_class pa on pa.oid = c.confrelid join pg_namespace pn on pn.oid = pa.relnamespace
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
         join pg_attribute pa_att on pa_att.attrelid = c.confrelid and pa_att.attnum = c.confkey[1]
        where c.contype = 'f' and cn.nspname = 'public' and ch.relname = any($1) and array_length(c.conkey, 1) = 1
        order by 2, 1`,
      [SEEDED],
    )
  ).rows;
  const broken: string[] = [];
  let next = 0;
  const check = async (client: pg.Client) => {
    for (let i = next++; i < fks.length; i = next++) {
      const fk = fks[i]!;
      progress(i, fks.length, `${fk.child}.${fk.column}`);
      const owned = OWNERSHIP[fk.child] ?? BY_USER;
      const r = await client.query<{ n: string }>(
        `select count(*) as n from public.${fk.child} c
          where c.${owned} and c.${fk.column} is not null
            and not exists (select 1 from ${fk.parent} p where p.${fk.parentColumn} = c.${fk.column})`,
        [runId],
      );
      if (r.rows[0]!.n !== '0') broken.push(`${fk.name} (${r.rows[0]!.n} rows of public.${fk.child})`);
    }
  };
  await Promise.all(clients.map(check));
  broken.sort();
  if (broken.length > 0) {
    throw new EnvironmentError(`seed run ${runId}: foreign keys violated after load: ${broken.join(', ')}`);
  }
  return fks.length;
}
