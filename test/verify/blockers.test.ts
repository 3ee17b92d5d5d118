/**
 * "What blocks sign-off": the blocking gates are the verdict's (non-info, not passing), and a gate
 * whose findings fixes.sql fixes links to those blocks by their anchors.
 */
import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../verify/gate.ts';
import { blockersSection, blockingGates } from '../../verify/report/blockers.ts';
import { fixesSection } from '../../verify/report/fix-links.ts';
import type { FixesSummary } from '../../verify/report/summary-schema.ts';

const gate = (
  id: string,
  level: GateResult['level'],
  status: GateResult['status'],
  rows: GateResult['evidence']['rows'] = [],
): GateResult => ({
  id,
  title: id,
  level,
  status,
  threshold: 't',
  measured: 'm',
  evidence: { summary: `summary of ${id}`, rows },
  checklist: [],
});

const fixes: FixesSummary = {
  file: 'fixes.sql',
  proof: 'copy',
  blocks: [
    {
      id: 'F01',
      kind: 'auth-initplan',
      findings: ['auth_rls_initplan public.users policy own rows'],
      what: 'wrap auth.uid()',
      why: 'one call per statement',
      status: 'proved-safe',
      reasons: [],
    },
  ],
  remediations: [],
};

describe('what blocks sign-off', () => {
  it('lists the gates that keep the verdict from GO, and no others', () => {
    const gates = [
      gate('a', 'error', 'pass'),
      gate('b', 'error', 'fail'),
      gate('c', 'warn', 'warn'),
      gate('d', 'info', 'fail'),
      gate('e', 'error', 'insufficient-data'),
    ];
    expect(blockingGates(gates).map((g) => g.id)).toEqual(['b', 'c', 'e']);
    const html = blockersSection(gates);
    expect([...html.matchAll(/data-gate="([^"]+)"/g)].map((m) => m[1])).toEqual(['b', 'c', 'e']);
    // Without evidence, what to do is to get it: the gate's own summary says how.
    expect(html).toContain('summary of e');
    expect(blockersSection([gate('a', 'error', 'pass')])).toContain('Nothing: every gate passed.');
  });

  it('links a gate to the fix blocks that fix its findings, and the blocks carry those anchors', () => {
    const security = gate('security', 'error', 'fail', [
      { check: 'lint', lint: 'auth_rls_initplan', level: 'warn', object: 'public.users policy own rows', detail: 'd' },
    ]);
    const other = gate('data-integrity', 'error', 'fail', [
      { check_name: 'foreign_key_orphans', object: 'x', detail: 'd' },
    ]);
    const html = blockersSection([security, other], fixes);
    expect(html).toMatch(/data-gate="security">[^\n]*href="#fix-F01"/);
    expect(html).not.toMatch(/data-gate="data-integrity">[^\n]*#fix-/);
    expect(fixesSection(fixes)).toContain('id="fix-F01"');
    expect(fixesSection(undefined)).toBe('');
  });
});
