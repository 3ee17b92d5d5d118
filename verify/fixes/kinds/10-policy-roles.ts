/**
 * A policy with no TO clause applies to PUBLIC, anon included. It is recreated TO the role its own
 * text says it is for: a policy named or written for the service role goes to service_role; one
 * that reads the signed-in user (auth.uid()/jwt()/email()) goes to authenticated; anything else
 * (a catalogue's `is_active`) to anon and authenticated, which is what PUBLIC meant in practice.
 */
import { alterPolicy, block, type FixBlock, type FixKind, findingKey, USER_CALL } from '../block.ts';

const SERVICE = /service[_ ]role/i;

function intended(name: string, text: string): { roles: string[]; because: string } {
  if (SERVICE.test(name) || SERVICE.test(text))
    return { roles: ['service_role'], because: 'its name or condition is about the service role' };
  if (USER_CALL.test(text))
    return { roles: ['authenticated'], because: 'its condition reads the signed-in user, which anon never is' };
  return {
    roles: ['anon', 'authenticated'],
    because: 'its condition does not depend on the caller, so it is meant for the API roles, not every role',
  };
}

export default {
  kind: 'policy-roles',
  lints: ['policy_applies_to_public'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const p = state.policyByObject.get(f.object);
      if (p === undefined || !p.roles.includes('public')) continue;
      const { roles, because } = intended(p.name, `${p.using ?? ''} ${p.check ?? ''}`);
      const b = block(
        'policy-roles',
        [findingKey(f)],
        `policy ${p.ident} on ${p.rel}: TO PUBLIC → TO ${roles.join(', ')}`,
        `Without a TO clause the policy applies to every role, anon included, and is evaluated for all of them; ${because}.`,
        [alterPolicy(p, { roles })],
      );
      p.roles = roles;
      p.changedBy = b;
      blocks.push(b);
    }
    return blocks;
  },
} satisfies FixKind;
