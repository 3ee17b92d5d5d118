/**
 * Indexes identical but for their name cost writes and storage twice. The one that backs a
 * constraint (UNIQUE, PRIMARY KEY) stays, then a unique one, then the oldest; the rest are dropped.
 * Grouped exactly as lint 0011 groups them, read again from pg_index.
 */
import { block, type FixBlock, type FixKind, findingKey } from '../block.ts';

const DUPLICATES = `
  select format('%I.%I', n.nspname, c.relname) as rel,
         array_agg(format('%I.%I', n.nspname, ic.relname)
                   order by (exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)) desc, i.indisunique desc, i.indexrelid) as indexes,
         count(*) filter (where exists (select 1 from pg_constraint k where k.conindid = i.indexrelid))::int as constraints
  from pg_index i
  join pg_class c on c.oid = i.indrelid
  join pg_class ic on ic.oid = i.indexrelid
  join pg_namespace n on n.oid = c.relnamespace
  where format('%I.%I', n.nspname, c.relname) = $1
  group by n.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
           coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
  having count(*) > 1`;

export default {
  kind: 'duplicate-indexes',
  lints: ['duplicate_indexes'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const key = findingKey(f);
      const groups = (
        await state.db.query<{ rel: string; indexes: string[]; constraints: number }>(DUPLICATES, [f.object])
      ).rows;
      if (groups.length === 0 || groups.some((g) => g.constraints > 1)) {
        state.unfixed.set(
          key,
          groups.length === 0
            ? 'the duplicates are gone since the lint ran'
            : 'two constraints share one definition: drop one of the constraints by hand',
        );
        continue;
      }
      const keep = groups.map((g) => g.indexes[0] as string);
      const drop = groups.flatMap((g) => g.indexes.slice(1));
      blocks.push(
        block(
          'duplicate-indexes',
          [key],
          `drop ${drop.join(', ')} on ${f.object} (keep ${keep.join(', ')})`,
          'An index identical to another is pure write and storage cost; the one a constraint uses stays.',
          drop.map((i) => `DROP INDEX IF EXISTS ${i};`),
        ),
      );
    }
    return blocks;
  },
} satisfies FixKind;
