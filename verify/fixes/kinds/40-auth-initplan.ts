/**
 * `auth.uid()` (and jwt/role/email, current_setting) called bare in a policy runs once per row;
 * wrapped as `(select auth.uid())` PostgreSQL evaluates it once per statement (an initPlan). Same
 * policy, same meaning: only the calls are wrapped.
 */
import { alterPolicy, block, credit, type FixBlock, type FixKind, findingKey } from '../block.ts';
import { wrapAuthCalls } from '../expr.ts';

export default {
  kind: 'auth-initplan',
  lints: ['auth_rls_initplan'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const key = findingKey(f);
      const p = state.policyByObject.get(f.object);
      const using = p?.using == null ? undefined : wrapAuthCalls(p.using);
      const check = p?.check == null ? undefined : wrapAuthCalls(p.check);
      if (p === undefined || p.dropped || (using === (p.using ?? undefined) && check === (p.check ?? undefined))) {
        if (!credit(p, key)) state.unfixed.set(key, 'no bare call found to wrap');
        continue;
      }
      const change = {
        ...(using !== undefined && using !== p.using ? { using } : {}),
        ...(check !== undefined && check !== p.check ? { check } : {}),
      };
      const b = block(
        'auth-initplan',
        [key],
        `policy ${p.ident} on ${p.rel}: auth calls wrapped in (select …)`,
        'A bare auth.*() or current_setting() call is evaluated for every row; wrapped, once per statement. The condition means the same.',
        [alterPolicy(p, change)],
      );
      if (change.using !== undefined) p.using = change.using;
      if (change.check !== undefined) p.check = change.check;
      p.changedBy = b;
      blocks.push(b);
    }
    return blocks;
  },
} satisfies FixKind;
