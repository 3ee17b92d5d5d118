/**
 * Builds the fix-it blocks for a database: reads the findings and the policies, runs every fix
 * kind (verify/fixes/kinds/NN-name.ts, discovered by glob and run in file order over one shared
 * policy model), numbers the blocks, and gives every finding no block answers a remediation.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type pg from 'pg';
import { type Finding, type FixBlock, type FixKind, type FixState, findingKey, policyObject } from './block.ts';
import { readPolicies } from './findings.ts';
import { remediation } from './remediation.ts';

const kindsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kinds');
const KIND_FILE = /^\d{2}-[a-z0-9-]+\.ts$/;

export async function loadKinds(dir = kindsDir): Promise<FixKind[]> {
  const kinds: FixKind[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => KIND_FILE.test(f))
    .sort()) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: Partial<FixKind> };
    const k = mod.default;
    if (typeof k?.kind !== 'string' || !Array.isArray(k.lints) || typeof k.plan !== 'function')
      throw new Error(`${file}: the default export is not a FixKind (kind, lints, plan)`);
    kinds.push(k as FixKind);
  }
  return kinds;
}

export interface Remediation {
  readonly finding: string;
  readonly level: Finding['level'];
  readonly sentence: string;
  readonly link: string;
}

export interface FixPlan {
  readonly findings: readonly Finding[];
  readonly blocks: readonly FixBlock[];
  readonly remediations: readonly Remediation[];
}

/** `db` is read only; the plan is built from its catalogue as it is now. */
export async function planFixes(db: pg.Pool | pg.PoolClient, findings: readonly Finding[]): Promise<FixPlan> {
  const policies = await readPolicies(db);
  const state: FixState = {
    db,
    findings,
    policies,
    policyByObject: new Map(policies.map((p) => [policyObject(p), p])),
    unfixed: new Map(),
  };
  const blocks: FixBlock[] = [];
  for (const kind of await loadKinds()) {
    const mine = findings.filter((f) => kind.lints.includes(f.lint));
    if (mine.length > 0) blocks.push(...(await kind.plan(mine, state)));
  }
  blocks.forEach((b, i) => {
    b.id = `F${String(i + 1).padStart(2, '0')}`;
  });
  const answered = new Set(blocks.flatMap((b) => b.findings));
  const remediations = findings
    .filter((f) => !answered.has(findingKey(f)))
    .map((f) => ({ finding: findingKey(f), level: f.level, ...remediation(f, state.unfixed.get(findingKey(f))) }));
  return { findings, blocks, remediations };
}
