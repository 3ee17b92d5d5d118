/**
 * `fixes.sql`: a header, one commented block per fix (what, why, the findings it removes, its
 * proof), then the findings without a mechanical fix with a remediation sentence and link. A block
 * the proof found not safe stays in the file for review but commented out, so running the file
 * never applies it silently.
 */
import type { FixesSummary } from '../report/summary-schema.ts';

type Block = FixesSummary['blocks'][number];

const PROOF_LINE: Readonly<Record<FixesSummary['proof'], string>> = {
  copy: 'proved on a scratch copy of the database (dropped afterwards), each block in order on top of the proved ones before it',
  transaction:
    'proved inside a transaction on the target that was rolled back, each block in order on top of the proved ones before it',
  'not-run': 'NOT proved: run `npm run verify -- --prove-fixes` to prove each block on a copy before applying it',
};

const STATUS: Readonly<Record<Block['status'], string>> = {
  'proved-safe':
    'PROVED SAFE (applied; its findings are gone; no new finding, no RLS cell opened, no data-integrity check newly failing)',
  'not-safe': 'NOT SAFE: left commented out',
  unproved: 'unproved',
};

const comment = (text: string): string =>
  text
    .split('\n')
    .map((l) => `-- ${l}`)
    .join('\n');

function renderBlock(b: Block, statements: readonly string[]): string {
  const sql = statements.join('\n');
  return [
    `-- [${b.id}] ${b.kind}: ${STATUS[b.status]}`,
    `-- what:    ${b.what}`,
    `-- why:     ${b.why}`,
    ...b.findings.map((f) => `-- finding: ${f}`),
    ...b.reasons.map((r) => `-- proof:   ${r}`),
    b.status === 'not-safe' ? comment(sql) : sql,
  ].join('\n');
}

export function renderFixesSql(
  fixes: FixesSummary,
  statements: ReadonlyMap<string, readonly string[]>,
  header: { generatedAt: string; database: string },
): string {
  const concurrent = [...statements.values()].flat().some((s) => /\bCONCURRENTLY\b/i.test(s));
  return [
    '-- fixes.sql: the fix-it migration written by `npm run verify` (verify/fixes/), generated from the catalogue',
    `-- of ${header.database} at ${header.generatedAt}. One block per finding with a mechanical fix.`,
    `-- Proof: ${PROOF_LINE[fixes.proof]}.`,
    ...(fixes.error ? [`-- Proof error: ${fixes.error}`] : []),
    ...(concurrent
      ? [
          '-- CONCURRENTLY cannot run inside a transaction block: run this file with psql (without -1), not as one SQL-editor batch.',
        ]
      : []),
    '',
    ...fixes.blocks.map((b) => `${renderBlock(b, statements.get(b.id) ?? [])}\n`),
    ...(fixes.remediations.length > 0
      ? [
          '-- Findings without a mechanical fix:',
          ...fixes.remediations.map((r) => `-- ${r.finding} (${r.level}): ${r.sentence} ${r.link}`),
          '',
        ]
      : []),
  ].join('\n');
}
