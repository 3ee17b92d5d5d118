/**
 * A permissive write policy that is always true for anon or authenticated lets any caller with the
 * grant write any row. Restricted: dropped when another policy already gives signed-in users that
 * action (the open one only adds anon or everyone's rows); otherwise its true clauses become the
 * owner clause on the table's owner column (`user_id`, or an `id` that references auth.users)
 * TO authenticated; with no owner column it is dropped (server writes use the service role,
 * which bypasses RLS).
 */
import {
  alterPolicy,
  block,
  clientRoles,
  credit,
  type FixBlock,
  type FixKind,
  findingKey,
  isTrue,
  type Policy,
  takesCheck,
  takesUsing,
} from '../block.ts';

const OWNER_COLUMN = `
  select case
    when exists (select 1 from pg_attribute where attrelid = $1::regclass and attname = 'user_id' and not attisdropped) then 'user_id'
    when exists (select 1 from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
                 where c.conrelid = $1::regclass and c.contype = 'f' and cardinality(c.conkey) = 1
                   and c.confrelid = to_regclass('auth.users') and a.attname = 'id') then 'id'
  end as owner`;

const stillOpen = (p: Policy): boolean =>
  (['UPDATE', 'DELETE', 'ALL'].includes(p.cmd) && isTrue(p.using)) ||
  (['INSERT', 'UPDATE', 'ALL'].includes(p.cmd) && isTrue(p.check)) ||
  (p.cmd === 'INSERT' && p.check === null);

export default {
  kind: 'always-true',
  lints: ['rls_policy_always_true'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const key = findingKey(f);
      const p = state.policyByObject.get(f.object);
      if (p === undefined || p.dropped || clientRoles(p).length === 0 || !stillOpen(p)) {
        if (!credit(p, key)) state.unfixed.set(key, 'the policy changed since the lint ran');
        continue;
      }
      const covered = state.policies.some(
        (o) =>
          o !== p &&
          !o.dropped &&
          o.permissive &&
          o.rel === p.rel &&
          (o.cmd === p.cmd || o.cmd === 'ALL') &&
          clientRoles(o).includes('authenticated'),
      );
      const owner = covered
        ? undefined
        : ((await state.db.query<{ owner: string | null }>(OWNER_COLUMN, [p.rel])).rows[0]?.owner ?? undefined);
      let b: FixBlock;
      if (owner === undefined) {
        b = block(
          'always-true',
          [key],
          `drop policy ${p.ident} on ${p.rel}`,
          covered
            ? `It lets ${p.roles.join(', ')} ${p.cmd} any row; signed-in users already have their own ${p.cmd} policy, so the open one only adds anon's or everyone's rows.`
            : `It lets ${p.roles.join(', ')} ${p.cmd} any row and the table has no owner column to restrict it to; the server writes with the service role, which bypasses RLS.`,
          [`DROP POLICY ${p.ident} ON ${p.rel};`],
        );
        p.dropped = true;
      } else {
        const clause = `(select auth.uid()) = ${owner}`;
        const change = {
          roles: ['authenticated'],
          ...(takesUsing(p.cmd) && isTrue(p.using) ? { using: clause } : {}),
          ...(takesCheck(p.cmd) && (isTrue(p.check) || p.check === null) ? { check: clause } : {}),
        };
        b = block(
          'always-true',
          [key],
          `policy ${p.ident} on ${p.rel}: true → ${clause}, TO authenticated`,
          `It lets ${p.roles.join(', ')} ${p.cmd} any row; a client may write only its own rows (${owner}), and anon has none.`,
          [alterPolicy(p, change)],
        );
        p.roles = change.roles;
        if (change.using !== undefined) p.using = change.using;
        if (change.check !== undefined) p.check = change.check;
      }
      p.changedBy = b;
      blocks.push(b);
    }
    return blocks;
  },
} satisfies FixKind;
