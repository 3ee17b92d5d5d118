/**
 * A SECURITY DEFINER function anon can execute through PostgreSQL's default PUBLIC grant is an
 * unauthenticated RPC running with its owner's rights. EXECUTE is revoked from PUBLIC and anon and
 * granted back by name to the other API roles that had it, so signed-in callers keep working; the
 * search_path is pinned empty so the owner's rights cannot be steered to a caller's objects. A
 * function granted to anon by name was exposed on purpose and is left for review.
 */
import { block, type FixBlock, type FixKind, findingKey, roleName } from '../block.ts';

const FUNCTION = `
  select format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as signature,
         array(select r from unnest(array['authenticated', 'service_role']) r
               where exists (select 1 from pg_roles where rolname = r) and has_function_privilege(r, p.oid, 'execute')) as keep
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) = $1`;

export default {
  kind: 'security-definer',
  lints: ['security_definer_executable_by_anon'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const key = findingKey(f);
      if (f.level === 'info') continue; // granted to anon by name: a decision, not a default
      const fn = (await state.db.query<{ signature: string; keep: string[] }>(FUNCTION, [f.object])).rows[0];
      if (fn === undefined) {
        state.unfixed.set(key, 'the function is gone since the lint ran');
        continue;
      }
      // The same statement also pins the search_path lint 0009 reports for this function.
      const alsoMutable = state.findings
        .filter((m) => m.lint === 'function_search_path_mutable' && m.object === f.object)
        .map(findingKey);
      blocks.push(
        block(
          'security-definer',
          [key, ...alsoMutable],
          `${fn.signature}: EXECUTE revoked from PUBLIC, anon${fn.keep.length > 0 ? ` (kept for ${fn.keep.join(', ')})` : ''}; search_path = ''`,
          "Anon can call it through /rest/v1/rpc with its owner's rights; a pinned empty search_path keeps those rights from resolving names to a caller's objects.",
          [
            `REVOKE EXECUTE ON FUNCTION ${fn.signature} FROM PUBLIC, anon;`,
            ...(fn.keep.length > 0
              ? [`GRANT EXECUTE ON FUNCTION ${fn.signature} TO ${fn.keep.map(roleName).join(', ')};`]
              : []),
            `ALTER FUNCTION ${fn.signature} SET search_path = '';`,
          ],
        ),
      );
    }
    return blocks;
  },
} satisfies FixKind;
