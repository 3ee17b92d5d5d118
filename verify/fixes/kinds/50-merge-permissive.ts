/**
 * Several permissive policies for one role and action are ORed by PostgreSQL and all evaluated
 * for every row. They become one policy whose conditions are the OR of theirs (WITH CHECK of each
 * defaulting to its USING, as PostgreSQL does), so the rule reads in one place. With equal role
 * lists the merge means exactly the same; with different ones the merged policy gives every
 * listed role every condition, which can widen access: the proof decides, and says so. A FOR ALL
 * policy in the group (a FOR SELECT policy beside a FOR ALL one) is split first into one policy per
 * command with the conditions each command takes from it (USING for SELECT and DELETE, WITH CHECK,
 * else USING, for INSERT, both for UPDATE), which is how PostgreSQL applies it; its piece for the
 * group's command then joins the merge.
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
  type PolicyCommand,
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

/** A policy name not yet taken on the table: `<table>_<command>_<suffix>`, numbered when needed. */
function freeName(state: FixState, like: Pick<Policy, 'rel' | 'table'>, cmd: PolicyCommand, suffix: string): string {
  const base = `${like.table}_${cmd.toLowerCase()}_${suffix}`;
  const taken = new Set(state.policies.filter((p) => !p.dropped && p.rel === like.rel).map((p) => p.name));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return name;
}

const COMMANDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/** What a FOR ALL policy is for one command: the clauses that command takes from it. */
function pieceOf(all: Policy, cmd: (typeof COMMANDS)[number]): Pick<Policy, 'cmd' | 'using' | 'check'> {
  const bare = (e: string | null) => (e === null ? null : unparen(e));
  return {
    cmd,
    using: takesUsing(cmd) ? bare(all.using) : null,
    check: cmd === 'INSERT' || cmd === 'UPDATE' ? bare(all.check ?? all.using) : null,
  };
}

const createPolicy = (p: Pick<Policy, 'ident' | 'rel' | 'cmd' | 'roles' | 'using' | 'check'>): string =>
  `CREATE POLICY ${p.ident} ON ${p.rel} AS PERMISSIVE FOR ${p.cmd} TO ${p.roles.map(roleName).join(', ')}` +
  `${p.using === null ? '' : ` USING (${p.using})`}${p.check === null ? '' : ` WITH CHECK (${p.check})`};`;

/**
 * Splits the group's FOR ALL policies for `action`: each is dropped, its pieces for the other
 * commands created (and added to the model), and its piece for `action` returned to be merged. The
 * statements come first in the merge's block.
 */
function splitAll(
  state: FixState,
  group: readonly Policy[],
  action: (typeof COMMANDS)[number],
): { members: Policy[]; statements: string[]; split: Policy[]; pieces: Policy[] } {
  const statements: string[] = [];
  const members: Policy[] = [];
  const split: Policy[] = [];
  const pieces: Policy[] = [];
  for (const p of group) {
    if (p.cmd !== 'ALL') {
      members.push(p);
      continue;
    }
    split.push(p);
    statements.push(`DROP POLICY ${p.ident} ON ${p.rel};`);
    p.dropped = true;
    for (const cmd of COMMANDS) {
      const name = freeName(state, p, cmd, 'split');
      const { changedBy: _earlier, ...rest } = p;
      const piece: Policy = { ...rest, ...pieceOf(p, cmd), name, ident: ident(name), created: true, dropped: false };
      // The piece for the merged command exists only inside the merge: never created, at once replaced.
      if (cmd === action) members.push({ ...piece, dropped: true });
      else {
        statements.push(createPolicy(piece));
        state.policies.push(piece);
        pieces.push(piece);
      }
    }
  }
  return { members, statements, split, pieces };
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
      const found = live(state, pair);
      if (found.length <= 1) continue; // an earlier block removed the overlap: credited below
      open.delete(pair.key);
      const cmd = pair.action as (typeof COMMANDS)[number];
      if (found.every((p) => p.cmd === 'ALL')) {
        state.unfixed.set(pair.key, 'several FOR ALL policies overlap: merge them into one FOR ALL policy by hand');
        continue;
      }
      const usingOk = !takesUsing(cmd) || found.every((p) => p.using !== null);
      const checkOk = !takesCheck(cmd) || found.every((p) => (p.check ?? p.using) !== null);
      if (!usingOk || !checkOk) {
        state.unfixed.set(pair.key, 'a policy in the group has no condition to merge');
        continue;
      }
      const { members: group, statements: splitting, split, pieces } = splitAll(state, found, cmd);
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
      const name = freeName(state, group[0] as Policy, cmd, 'merged');
      const using = takesUsing(cmd) ? or(usings as string[]) : null;
      const check = takesCheck(cmd) ? or(checks as string[]) : null;
      const rel = pair.rel;
      // Pairs this merge may settle: those whose overlap involves one of the merged policies.
      const touching = pairs.filter((o) => open.has(o.key) && live(state, o).some((p) => group.includes(p)));
      const create = createPolicy({ ident: ident(name), rel, cmd, roles, using, check });
      const splitNote =
        split.length === 0
          ? ''
          : ` First ${split.map((p) => p.ident).join(' and ')} FOR ALL ${split.length === 1 ? 'is' : 'are'} split into one policy per command with the same roles and the conditions PostgreSQL applies for each (USING for SELECT and DELETE, WITH CHECK or else USING for INSERT, both for UPDATE), which changes nothing; ${split.length === 1 ? 'its' : 'their'} ${cmd} part joins the merge.`;
      const b = block(
        'merge-permissive',
        [pair.key],
        `${[...split.map((p) => `${p.ident} (FOR ALL, split)`), ...group.filter((p) => !p.dropped).map((p) => p.ident)].join(' + ')} on ${rel} → one ${cmd} policy ${ident(name)}`,
        `PostgreSQL evaluates every permissive policy for every row and ORs them; one policy with the OR of their conditions reads in one place and runs once.${splitNote}${exact ? ' Same roles, so the merge means exactly the same.' : ` The role lists differ (${group.map((p) => `${p.ident}: ${p.roles.join(', ')}`).join('; ')}): the merged policy gives each of ${roles.join(', ')} every condition, which may widen access.`}`,
        [...splitting, ...group.filter((p) => !p.dropped).map((p) => `DROP POLICY ${p.ident} ON ${rel};`), create],
        [...group, ...split].filter((p) => p.created && p.changedBy !== undefined).map((p) => p.changedBy as FixBlock),
      );
      for (const p of pieces) p.changedBy = b;
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
