/**
 * The gate runner: discovery by glob, a throwing gate becomes insufficient-data, the verdict rule,
 * and the parity between gate files, their docs pages and their tests.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.ts';
import type { VerifyContext } from '../../verify/context.ts';
import type { Gate, GateResult } from '../../verify/gate.ts';
import { exitCodeOf, gateIds, loadGates, runGate, runGates, unjudgedErrorGates, verdictOf } from '../../verify/run.ts';
import { loadContext } from './support/fixtures.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : full.endsWith('.test.ts') ? [full] : [];
  });
}

describe('gate discovery and parity', () => {
  const ids = gateIds();
  const testText = filesUnder(path.join(repoRoot, 'test'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it('finds every gate file, including the four load gates', () => {
    expect(ids).toEqual(expect.arrayContaining(['api-latency', 'availability', 'degradation', 'load-delivered']));
  });

  it('loads each gate with its id equal to its file name', async () => {
    const gates = await loadGates();
    expect(gates.map((g) => g.id)).toEqual(ids);
  });

  it.each(ids.map((id) => [id]))(
    'gate %s has docs/gates/<id>.md with Level, Summary, Rationale, How to resolve',
    (id) => {
      const file = path.join(repoRoot, 'docs', 'gates', `${id}.md`);
      const text = readFileSync(file, 'utf8');
      for (const heading of ['**Level:**', '## Summary', '## Rationale', '## How to resolve'])
        expect(text, `${file} lacks ${heading}`).toContain(heading);
    },
  );

  // A quoted id anywhere (a list of gate names) is no test of the gate: a test must import its module.
  it.each(ids.map((id) => [id]))('gate %s is imported by a test', (id) => {
    expect(testText.includes(`verify/gates/${id}.ts'`), `no test imports verify/gates/${id}.ts`).toBe(true);
  });

  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  it.each(ids.map((id) => [id]))("gate %s has a row in the README's gates table", (id) => {
    expect(readme, `README.md has no row | \`${id}\` | …`).toMatch(new RegExp(`^\\| \`${id}\` \\| .+\\|.+\\|$`, 'm'));
  });

  it('every docs page belongs to a gate', () => {
    const docs = readdirSync(path.join(repoRoot, 'docs', 'gates'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3));
    expect(docs.filter((d) => !ids.includes(d))).toEqual([]);
  });
});

const fake = (over: Partial<Gate<VerifyContext>> & { run: Gate<VerifyContext>['run'] }): Gate<VerifyContext> => ({
  id: 'fake',
  title: 'A gate for the runner test',
  level: 'error',
  checklist: [],
  ...over,
});

describe('runner', () => {
  it('turns a gate that throws into insufficient-data with the error as evidence, and runs the rest', async () => {
    const boom = fake({
      run: async () => {
        throw new Error('relation "kit_truth.runs" does not exist');
      },
    });
    const ok = fake({
      id: 'ok',
      run: async () => ({
        id: 'ok',
        title: 't',
        level: 'error',
        status: 'pass',
        threshold: '',
        measured: '',
        evidence: { summary: '' },
        checklist: [],
      }),
    });
    const results = await runGates([boom, ok], loadContext(undefined));
    expect(results[0]).toMatchObject({ id: 'fake', status: 'insufficient-data' });
    expect(results[0]!.evidence.summary).toContain('relation "kit_truth.runs" does not exist');
    expect(results[1]!.status).toBe('pass');
  });

  it('keeps the declared id and level even if a gate reports others', async () => {
    const liar = fake({
      level: 'warn',
      run: async () => ({
        id: 'other',
        title: 't',
        level: 'error',
        status: 'fail',
        threshold: '',
        measured: '',
        evidence: { summary: '' },
        checklist: [],
      }),
    });
    expect(await runGate(liar, loadContext(undefined))).toMatchObject({ id: 'fake', level: 'warn' });
  });
});

describe('verdict', () => {
  const r = (level: GateResult['level'], status: GateResult['status']) => ({ level, status });
  it('is NO-GO when any error-level gate fails', () => {
    expect(verdictOf([r('error', 'pass'), r('error', 'fail'), r('warn', 'pass')])).toBe('NO-GO');
  });
  it('is CONDITIONAL on a warn-level fail, any warn, or insufficient data at error level', () => {
    expect(verdictOf([r('error', 'pass'), r('warn', 'fail')])).toBe('CONDITIONAL');
    expect(verdictOf([r('error', 'warn')])).toBe('CONDITIONAL');
    expect(verdictOf([r('error', 'insufficient-data')])).toBe('CONDITIONAL');
    // an unmeasured warn-level gate (a rollback never drilled) is not a GO either
    expect(verdictOf([r('error', 'pass'), r('warn', 'insufficient-data')])).toBe('CONDITIONAL');
  });
  it('exits 0 for GO and for a CONDITIONAL only warnings made, 1 for NO-GO, 4 when an error-level gate could not judge', () => {
    const x = (level: GateResult['level'], status: GateResult['status'], id = `${level}-${status}`) => ({
      id,
      level,
      status,
    });
    expect(exitCodeOf([x('error', 'pass'), x('warn', 'pass')])).toBe(0);
    expect(
      exitCodeOf([x('error', 'pass'), x('warn', 'fail'), x('error', 'warn'), x('warn', 'insufficient-data')]),
    ).toBe(0);
    expect(exitCodeOf([x('error', 'fail'), x('error', 'insufficient-data')])).toBe(1);
    expect(exitCodeOf([x('error', 'pass'), x('error', 'insufficient-data', 'security')])).toBe(4);
    expect(unjudgedErrorGates([x('error', 'insufficient-data', 'security'), x('warn', 'insufficient-data')])).toEqual([
      'security',
    ]);
  });
  it('is GO when all pass; info gates do not move it', () => {
    expect(verdictOf([r('error', 'pass'), r('info', 'fail'), r('info', 'insufficient-data'), r('warn', 'pass')])).toBe(
      'GO',
    );
    expect(verdictOf([])).toBe('GO');
  });
});
