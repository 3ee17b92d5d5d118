/**
 * Gates to their fix blocks. `fixes.sql` (verify/fixes/) names each finding a block removes as
 * `lint object`; the security and monitoring gates' evidence rows carry the same two names (`lint`,
 * or `check` for the monitoring view, and `object`), so a gate links to the blocks that fix its rows.
 * The blocks are listed in the report with id anchors (`#fix-F01`) beside the file itself.
 */
import type { GateResult } from '../gate.ts';
import { escapeHtml } from './markup.ts';
import type { FixesSummary } from './summary-schema.ts';

type FixBlock = FixesSummary['blocks'][number];

/** The `lint object` key of an evidence row, as fixes.sql names findings; undefined for other rows. */
function findingKey(row: Readonly<Record<string, unknown>>): string | undefined {
  const name = typeof row.lint === 'string' ? row.lint : row.check;
  return typeof name === 'string' && typeof row.object === 'string' ? `${name} ${row.object}` : undefined;
}

export function fixBlocksFor(gate: Pick<GateResult, 'evidence'>, fixes: FixesSummary | undefined): FixBlock[] {
  const keys = new Set((gate.evidence.rows ?? []).map(findingKey).filter((k): k is string => k !== undefined));
  return (fixes?.blocks ?? []).filter((b) => b.findings.some((f) => keys.has(f)));
}

export const fixAnchor = (block: Pick<FixBlock, 'id'>): string => `#fix-${block.id}`;

const proofWords: Record<FixBlock['status'], string> = {
  'proved-safe': 'proved safe',
  'not-safe': 'not safe',
  unproved: 'not proved',
};

/** Each block of fixes.sql with its anchor, what it does and whether it was proved. */
export function fixesSection(fixes: FixesSummary | undefined): string {
  if (fixes === undefined || fixes.blocks.length === 0) return '';
  const blocks = fixes.blocks
    .map(
      (b) =>
        `<section class="gate" id="fix-${escapeHtml(b.id)}"><h3>${escapeHtml(b.id)}: ${escapeHtml(b.what)} <span class="muted">(${proofWords[b.status]})</span></h3>` +
        `<p>${escapeHtml(b.why)}</p><p class="muted">Fixes: ${b.findings.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</p>` +
        `${b.reasons.length > 0 ? `<ul>${b.reasons.map((r) => `<li class="s-fail">${escapeHtml(r)}</li>`).join('')}</ul>` : ''}</section>`,
    )
    .join('\n');
  return `<h2 id="fixes">Fix blocks</h2><p class="muted">The statements are in <a href="${escapeHtml(fixes.file)}">${escapeHtml(fixes.file)}</a> beside this report, block by block.</p>${blocks}`;
}
