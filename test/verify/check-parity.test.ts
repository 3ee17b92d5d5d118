/**
 * Every check of verify/sql/checks/ is tested and documented: it has a planted fault in
 * test/verify-db/check-faults.ts (run by check-faults.test.ts against a real database) and a line
 * in the "## Checks" section of docs/gates/<gate>.md naming it. Adding a check file without either
 * fails here; so does a fault or a doc line left behind by a check that is gone.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.ts';
import { allSqlFiles } from '../../verify/sql/run.ts';
import { CHECK_FAULTS } from '../verify-db/check-faults.ts';

const checks = allSqlFiles('checks').map((file) => ({
  id: `${file.folder}/${file.name}`,
  gate: file.folder.split('/')[0] as string,
  name: file.name,
}));
const gates = [...new Set(checks.map((c) => c.gate))];
const docFile = (gate: string): string => path.join(repoRoot, 'docs', 'gates', `${gate}.md`);

/** The check names a gate's doc lists: bullets "- `name` …" of its "## Checks" section. */
function documentedChecks(gate: string): string[] {
  const text = existsSync(docFile(gate)) ? readFileSync(docFile(gate), 'utf8') : '';
  const section = /^## Checks\n([\s\S]*?)(?=^## |$(?![\s\S]))/m.exec(text)?.[1] ?? '';
  return [...section.matchAll(/^- `([a-z0-9_]+)`/gm)].map((m) => m[1] as string);
}

describe('check parity', () => {
  it('finds the checks, each in the folder of a gate', () => {
    expect(checks.length).toBeGreaterThan(30);
    for (const gate of gates) expect(existsSync(path.join(repoRoot, 'verify', 'gates', `${gate}.ts`)), gate).toBe(true);
  });

  it('every check has a planted fault, and every fault a check', () => {
    expect(checks.filter((c) => CHECK_FAULTS[c.id] === undefined).map((c) => c.id)).toEqual([]);
    const ids = new Set(checks.map((c) => c.id));
    expect(Object.keys(CHECK_FAULTS).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(gates)('docs/gates/%s.md names each of its checks in its Checks section, and no other', (gate) => {
    const documented = documentedChecks(gate);
    const mine = checks.filter((c) => c.gate === gate).map((c) => c.name);
    expect(mine.filter((name) => !documented.includes(name))).toEqual([]);
    // A gate may list a check it shares (the database gate and the duplicate-index check), never a gone one.
    const known = new Set(checks.map((c) => c.name));
    expect(documented.filter((name) => !known.has(name))).toEqual([]);
  });
});
