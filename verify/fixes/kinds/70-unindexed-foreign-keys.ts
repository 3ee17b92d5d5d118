/**
 * A foreign key with no index leading with its columns makes every parent delete and every join
 * from the parent scan the child table. The index is built CONCURRENTLY so the table stays
 * writable while it builds (the proof builds it inside its transaction without that keyword).
 */
import { block, type FixBlock, type FixKind, findingKey, ident } from '../block.ts';

const FOREIGN_KEY = `
  select format('%I.%I', n.nspname, c.relname) as rel, c.relname::text as "table",
         array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, ord)
               join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord) as columns
  from pg_constraint con
  join pg_class c on c.oid = con.conrelid
  join pg_namespace n on n.oid = c.relnamespace
  where con.contype = 'f' and format('%I.%I.%I', n.nspname, c.relname, con.conname) = $1`;

export default {
  kind: 'unindexed-foreign-keys',
  lints: ['unindexed_foreign_keys'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const fk = (await state.db.query<{ rel: string; table: string; columns: string[] }>(FOREIGN_KEY, [f.object]))
        .rows[0];
      if (fk === undefined) {
        state.unfixed.set(findingKey(f), 'the foreign key is gone since the lint ran');
        continue;
      }
      const name = ident(`idx_${fk.table}_${fk.columns.join('_')}`);
      blocks.push(
        block(
          'unindexed-foreign-keys',
          [findingKey(f)],
          `index ${name} on ${fk.rel} (${fk.columns.join(', ')})`,
          "Without an index leading with the key's columns every delete of a parent row, and every join from it, scans this table.",
          [
            `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${fk.rel} (${fk.columns.map((c) => ident(c)).join(', ')});`,
          ],
        ),
      );
    }
    return blocks;
  },
} satisfies FixKind;
