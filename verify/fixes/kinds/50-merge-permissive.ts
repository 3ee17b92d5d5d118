/**
 * Several permissive policies for one role and action are ORed by PostgreSQL and all evaluated
 * for every row. They become one policy whose conditions are the OR of theirs (WITH CHECK of each
 * defaulting to its USING, as PostgreSQL does), so the rule reads in one place. With equal role
 * lists the merge means exactly the same; with different ones the merged policy gives every
 * listed role every condition, which can widen access: the proof decides, and says so.
 * Runs after the other policy kinds, so it merges the conditions as they fixed them.
 */
import {
  block,
  clientRoles,
  credit,
  type Finding,
  type FixBlock,
  type FixKind,
  type FixState,
  findingKey,
  ident,
  type Policy,
  roleName,
  sameExpr,
  takesCheck,
  takesUsing,
} from '../block.ts';
import { unparen } from '../expr.ts';

const OBJECT = /^(.*) (SELECT|INSERT|UPDATE|DELETE) for (anon|authenticated)$/;

interface Pair {
  readonly key: string;
  readonly rel: string;
  readonly action: string;
  readonly role: string;
  readonly finding: Finding;
}

const live = (state: FixState, pair: Pair): Policy[] =>
  state.policies.filter(
    (p) =>
      !p.dropped &&
      p.permissive &&
      p.rel === pair.rel &&
      (p.cmd === pair.action || p.cmd === 'ALL') &&
      clientRoles(p).includes(pair.role),
  );

/** The OR of the conditions, each once (merging `own` with the same `own` leaves `own`). */
function or(terms: readonly string[]): string {
  const distinct = terms.filter((t, i) => terms.findIndex((u) => sameExpr(u, t)) === i);
  return distinct.length === 1 ? unparen(distinct[0] as string) : distinct.map((t) => `(${unparen(t)})`).join(' OR ');
}

function mergedName(state: FixState, group: readonly Policy[]): string {
  const base = `${group[0]?.table}_${group[0]?.cmd.toLowerCase()}_merged`;
  const taken = new Set(state.policies.filter((p) => !p.dropped && p.rel === group[0]?.rel).map((p) => p.name));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return name;
}

export default {
  kind: 'merge-permissive',
  lints: ['multiple_permissive_policies'],
  async plan(findings, state) {
    const pairs: Pair[] = findings.flatMap((f) => {
      const m = OBJECT.exec(f.object);
      return m
        ? [{ key: findingKey(f), rel: m[1] as string, action: m[2] as string, role: m[3] as string, finding: f }]
        : [];
    });
    const open = new Set(pairs.map((p) => p.key));
    const blocks: FixBlock[] = [];
    for (const pair of pairs) {
      if (!open.has(pair.key)) continue;
      const group = live(state, pair);
      if (group.length <= 1) continue; // an earlier block removed the overlap: credited below
      open.delete(pair.key);
      const cmd = group[0]?.cmd;
      if (cmd === undefined || group.some((p) => p.cmd !== cmd)) {
        state.unfixed.set(
          pair.key,
          `the policies differ in command (${group.map((p) => `${p.ident} FOR ${p.cmd}`).join(', ')}): split the FOR ALL policy per action first, then merge`,
        );
        continue;
      }
      const usings = group.map((p) => p.using);
      const checks = group.map((p) => p.check ?? p.using);
      if ((takesUsing(cmd) && usings.some((u) => u === null)) || (takesCheck(cmd) && checks.some((c) => c === null))) {
        state.unfixed.set(pair.key, 'a policy in the group has no condition to merge');
        continue;
      }
      const roles = group.some((p) => p.roles.includes('public'))
        ? ['public']
        : [...new Set(group.flatMap((p) => p.roles))].sort();
      const exact = group.every((p) => [...p.roles].sort().join() === roles.join());
      const name = mergedName(state, group);
      const using = takesUsing(cmd) ? or(usings as string[]) : null;
      const check = takesCheck(cmd) ? or(checks as string[]) : null;
      const rel = pair.rel;
      // Pairs this merge may settle: those whose overlap involves one of the merged policies.
      const touching = pairs.filter((o) => open.has(o.key) && live(state, o).some((p) => group.includes(p)));
      const create =
        `CREATE POLICY ${ident(name)} ON ${rel} AS PERMISSIVE FOR ${cmd} TO ${roles.map(roleName).join(', ')}` +
        `${using === null ? '' : ` USING (${using})`}${check === null ? '' : ` WITH CHECK (${check})`};`;
      const b = block(
        'merge-permissive',
        [pair.key],
        `${group.map((p) => p.ident).join(' + ')} on ${rel} → one ${cmd} policy ${ident(name)}`,
        `PostgreSQL evaluates every permissive policy for every row and ORs them; one policy with the OR of their conditions reads in one place and runs once.${exact ? ' Same roles, so the merge means exactly the same.' : ` The role lists differ (${group.map((p) => `${p.ident}: ${p.roles.join(', ')}`).join('; ')}): the merged policy gives each of ${roles.join(', ')} every condition, which may widen access.`}`,
        [...group.map((p) => `DROP POLICY ${p.ident} ON ${rel};`), create],
        group.filter((p) => p.created && p.changedBy !== undefined).map((p) => p.changedBy as FixBlock),
      );
      for (const p of group) p.dropped = true;
      state.policies.push({
        rel,
        table: group[0]?.table as string,
        name,
        ident: ident(name),
        cmd,
        permissive: true,
        roles,
        using,
        check,
        changedBy: b,
        created: true,
      });
      // The same merge removes the overlap for the group's other roles too (a policy TO anon, authenticated).
      for (const other of touching)
        if (live(state, other).length <= 1) {
          open.delete(other.key);
          b.findings.push(other.key);
        }
      blocks.push(b);
    }
    for (const pair of pairs.filter((p) => open.has(p.key))) {
      // Overlaps an earlier kind already removed (e.g. a policy moved TO service_role).
      const names = pair.finding.detail.replace(/^\d+ permissive policies: /, '').split(', ');
      const members = state.policies.filter((p) => p.rel === pair.rel && names.includes(p.name));
      if (live(state, pair).length <= 1 && members.some((p) => credit(p, pair.key))) continue;
      state.unfixed.set(pair.key, 'the overlapping policies could not be merged mechanically');
    }
    return blocks;
  },
} satisfies FixKind;
