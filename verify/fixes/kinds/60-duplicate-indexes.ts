/**
 * Indexes identical but for their name cost writes and storage twice. The one that backs a
 * constraint (UNIQUE, PRIMARY KEY) stays, then a unique one, then the oldest; the rest are dropped.
 * The groups are the lint's own (verify/sql/checks/security/0011_duplicate_indexes.sql, its
 * metadata keep_order and constraints), read again on the database being fixed.
 */
import { checkFile, runCheck } from '../../sql/run.ts';
import { block, type FixBlock, type FixKind, findingKey } from '../block.ts';

export default {
  kind: 'duplicate-indexes',
  lints: ['duplicate_indexes'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const key = findingKey(f);
      const groups = (
        await runCheck<{ keep_order: string[]; constraints: number }>(
          state.db,
          checkFile('security', 'duplicate_indexes'),
        )
      )
        .filter((g) => g.object === f.object)
        .map((g) => g.metadata);
      if (groups.length === 0 || groups.some((g) => g.constraints > 1)) {
        state.unfixed.set(
          key,
          groups.length === 0
            ? 'the duplicates are gone since the lint ran'
            : 'two constraints share one definition: drop one of the constraints by hand',
        );
        continue;
      }
      const keep = groups.map((g) => g.keep_order[0] as string);
      const drop = groups.flatMap((g) => g.keep_order.slice(1));
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
