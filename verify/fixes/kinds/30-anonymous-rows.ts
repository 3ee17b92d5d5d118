/**
 * A SELECT policy of the shape `own OR user_id IS NULL` shows every anonymous visitor's row (IP,
 * user agent, UTM data) to every client, and the OR keeps the planner off the user_id index. The
 * fix keeps the owner clause alone; anonymous rows stay readable by the service role.
 */
import { alterPolicy, block, credit, type FixBlock, type FixKind, findingKey } from '../block.ts';
import { orTerms, unparen } from '../expr.ts';

const ANONYMOUS = /^user_id\s+is\s+null$/i;

export default {
  kind: 'anonymous-rows',
  lints: ['anonymous_rows_readable'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const key = findingKey(f);
      const p = state.policyByObject.get(f.object);
      const terms = p?.using ? orTerms(p.using) : [];
      const kept = terms.filter((t) => !ANONYMOUS.test(unparen(t)));
      if (p === undefined || p.dropped || kept.length === terms.length) {
        if (!credit(p, key)) state.unfixed.set(key, 'the condition is not `… OR user_id IS NULL` at its top level');
        continue;
      }
      if (kept.length === 0) {
        state.unfixed.set(
          key,
          'the policy reads only anonymous rows; decide whether anyone but the service role should',
        );
        continue;
      }
      const using = kept.length === 1 ? unparen(kept[0] as string) : kept.join(' OR ');
      const b = block(
        'anonymous-rows',
        [key],
        `policy ${p.ident} on ${p.rel}: USING ${using}`,
        "Rows without an owner (anonymous visitors' IP, user agent, UTM data) are readable by every client the policy reaches; the owner clause alone keeps them to the service role.",
        [alterPolicy(p, { using })],
      );
      p.using = using;
      p.changedBy = b;
      blocks.push(b);
    }
    return blocks;
  },
} satisfies FixKind;
