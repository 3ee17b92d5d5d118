/**
 * The fix-it migration's vocabulary: a finding (one lint or monitoring row), a block of SQL that
 * fixes one or more findings, and the policy model the fix kinds share. Kinds run in file order
 * over one model, so a later kind (the merge) sees the policies as the earlier ones left them and
 * `fixes.sql`, applied top to bottom, is consistent.
 */
import type pg from 'pg';

export interface Finding {
  readonly lint: string;
  readonly level: 'error' | 'warn' | 'info';
  readonly object: string;
  readonly detail: string;
  /** What a person does about it, as the check says (verify/sql/checks/security/). */
  readonly remediation?: string;
}

/** How findings are named everywhere (fixes.sql, summary.json, the proof): `lint object`. */
export const findingKey = (f: Pick<Finding, 'lint' | 'object'>): string => `${f.lint} ${f.object}`;

export interface FixBlock {
  /** F01, F02 … in file order. */
  id: string;
  readonly kind: string;
  /** Keys of the findings this block removes (one, or several that share the statement). */
  readonly findings: string[];
  readonly what: string;
  readonly why: string;
  readonly statements: readonly string[];
  /** Blocks whose result this one changes (a merge dropping a policy an earlier merge created). */
  readonly requires: readonly FixBlock[];
}

export type PolicyCommand = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'ALL';

/** One row of pg_policies, with PostgreSQL's own quoting of its names. */
export interface Policy {
  /** `schema.table` quoted by format('%I.%I'). */
  readonly rel: string;
  readonly table: string;
  readonly name: string;
  /** The name quoted by quote_ident. */
  readonly ident: string;
  readonly cmd: PolicyCommand;
  readonly permissive: boolean;
  /** Role names; ['public'] when the policy has no TO clause. */
  roles: string[];
  using: string | null;
  check: string | null;
  /** The block that last changed this policy: a finding it removed as a side effect is credited to it. */
  changedBy?: FixBlock;
  /** Created by a block, not in the catalogue: a block that drops it requires that one. */
  created?: boolean;
  dropped?: boolean;
}

export interface FixState {
  readonly db: pg.Pool | pg.PoolClient;
  readonly findings: readonly Finding[];
  /** Live model of the policies; kinds change it as their statements would. */
  readonly policies: Policy[];
  /** Policy lint objects (`schema.table policy name`) → policy, as the lints print them. */
  readonly policyByObject: ReadonlyMap<string, Policy>;
  /** Findings a kind could not fix mechanically, with the reason (becomes the remediation text). */
  readonly unfixed: Map<string, string>;
}

export interface FixKind {
  readonly kind: string;
  /** The lint (or monitoring check) names whose findings this kind answers. */
  readonly lints: readonly string[];
  plan(findings: readonly Finding[], state: FixState): Promise<FixBlock[]>;
}

/** A new identifier, always quoted (a quoted name is never a keyword clash), at most 63 bytes. */
export function ident(name: string): string {
  let cut = name;
  while (Buffer.byteLength(cut) > 63) cut = cut.slice(0, -1);
  return `"${cut.replaceAll('"', '""')}"`;
}

export const policyObject = (p: Pick<Policy, 'rel' | 'ident'>): string => `${p.rel} policy ${p.ident}`;

/** The clauses a command accepts: INSERT has no USING, SELECT and DELETE no WITH CHECK. */
export const takesUsing = (cmd: PolicyCommand): boolean => cmd !== 'INSERT';
export const takesCheck = (cmd: PolicyCommand): boolean => cmd === 'INSERT' || cmd === 'UPDATE' || cmd === 'ALL';

/** `ALTER POLICY` with only the clauses given (a clause left out keeps its current value). */
export function alterPolicy(p: Policy, change: { roles?: readonly string[]; using?: string; check?: string }): string {
  const parts = [`ALTER POLICY ${p.ident} ON ${p.rel}`];
  if (change.roles) parts.push(`TO ${change.roles.map(roleName).join(', ')}`);
  if (change.using !== undefined) parts.push(`USING (${change.using})`);
  if (change.check !== undefined) parts.push(`WITH CHECK (${change.check})`);
  return `${parts.join(' ')};`;
}

/** The API roles' names need no quotes; PUBLIC is a keyword; any other role is quoted. */
export const roleName = (role: string): string =>
  role === 'public' ? 'PUBLIC' : ['anon', 'authenticated', 'service_role'].includes(role) ? role : ident(role);

/** Roles a policy reaches among the API client roles; PUBLIC reaches both. */
export function clientRoles(p: Pick<Policy, 'roles'>): string[] {
  return p.roles.includes('public')
    ? ['anon', 'authenticated']
    : p.roles.filter((r) => r === 'anon' || r === 'authenticated');
}

/**
 * Expression text compared loosely: case, spaces, parentheses and the alias PostgreSQL adds to a
 * wrapped call (`( SELECT auth.uid() AS uid)`) ignored.
 */
const loose = (e: string | null): string =>
  (e ?? '')
    .replace(/\s+as\s+\w+\s*\)/gi, ')')
    .toLowerCase()
    .replace(/[\s()]/g, '');
export const sameExpr = (a: string | null, b: string | null): boolean => loose(a) === loose(b);

export const isTrue = (expr: string | null): boolean =>
  expr !== null && ['true', '1=1'].includes(expr.toLowerCase().replace(/[\s()]/g, ''));

/**
 * A finding an earlier block already removed (its policy no longer has the defect in the model):
 * credit that block, so the proof checks the finding is gone after it. False when nothing did.
 */
export function credit(p: Policy | undefined, key: string): boolean {
  if (p?.changedBy === undefined) return false;
  if (!p.changedBy.findings.includes(key)) p.changedBy.findings.push(key);
  return true;
}

export const block = (
  kind: string,
  findings: string[],
  what: string,
  why: string,
  statements: readonly string[],
  requires: readonly FixBlock[] = [],
): FixBlock => ({ id: '', kind, findings, what, why, statements, requires });

/** `auth.uid()`, `auth.jwt()`, `auth.email()` in an expression: it is about a signed-in user. */
export const USER_CALL = /auth\.(uid|jwt|email)\(\)/i;
