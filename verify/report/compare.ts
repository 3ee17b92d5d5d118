/**
 * `npm run verify -- --compare A B`: two runs side by side for "did the fix work" reviews — each
 * gate's status and measured value, every figure, which findings are new in B and which are gone,
 * and, where either carries one, the capacity envelopes' knees and each endpoint's first break. Reads two summary.json files (or the report folders holding them) through the summary
 * schema and writes compare.html: one offline file with the report's stylesheet.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../lib/errors.ts';
import { multiplier } from '../format.ts';
import { columnLabel, labelledFigure } from './labels.ts';
import { escapeHtml, statusBadge, styles } from './markup.ts';
import { readSummary } from './summary.ts';
import type { Summary } from './summary-schema.ts';
import { writeAtomic } from './write.ts';

type Gate = Summary['gates'][number];
type Row = Readonly<Record<string, unknown>>;

export interface Side {
  readonly source: string;
  readonly summary: Summary;
}

/** A report folder or its summary.json, validated; a usage error naming the flag otherwise. */
export function readSide(target: string): Side {
  if (!existsSync(target))
    throw new UsageError(`--compare: ${target} does not exist`, [
      'Give two reports: summary.json files or the folders holding them.',
    ]);
  const source = statSync(target).isDirectory() ? path.join(target, 'summary.json') : target;
  return { source, summary: readSummary(source, '--compare') };
}

/**
 * The columns that name a finding. A finding found again with other measurements (latency, counts,
 * rates) is the same finding, so only these identify it; rows without any are named by all their
 * text.
 */
const namingColumns = [
  'endpoint',
  'check',
  'check_name',
  'failure_class',
  'kind',
  'object',
  'table',
  'op',
  'actor',
  'lint',
  'entity',
  'scenario',
  'problem',
  'breakdown',
  'group',
];

function findingName(row: Row): string {
  const named = namingColumns.filter((c) => typeof row[c] === 'string');
  const columns = named.length > 0 ? named : Object.keys(row).filter((c) => typeof row[c] === 'string');
  return columns.map((c) => `${columnLabel(c)}: ${String(row[c])}`).join(', ');
}

/** A gate's findings: the rows of a gate that did not pass, less rows that say they passed. */
function findings(gate: Gate | undefined): Map<string, Row> {
  if (gate === undefined || gate.status === 'pass') return new Map();
  return new Map((gate.evidence.rows ?? []).filter((r) => r.status !== 'pass').map((r) => [findingName(r), r]));
}

const severity: Record<Gate['status'], number> = { pass: 0, warn: 1, 'insufficient-data': 2, fail: 3 };

function change(a: Gate | undefined, b: Gate | undefined): string {
  if (a === undefined) return '<span class="new">only in B</span>';
  if (b === undefined) return '<span class="muted">only in A</span>';
  const d = severity[b.status] - severity[a.status];
  return d < 0
    ? '<span class="gone">better</span>'
    : d > 0
      ? '<span class="new">worse</span>'
      : '<span class="muted">same status</span>';
}

function gatesTable(ids: readonly string[], a: Map<string, Gate>, b: Map<string, Gate>): string {
  const side = (g: Gate | undefined) =>
    g ? `<td>${statusBadge(g.status)} ${escapeHtml(g.measured)}</td>` : '<td class="muted">not run</td>';
  const rows = ids
    .map((id) => {
      const title = (b.get(id) ?? a.get(id))!.title;
      return `<tr data-gate="${escapeHtml(id)}"><td><a href="#cmp-${escapeHtml(id)}">${escapeHtml(title)}</a></td>${side(a.get(id))}${side(b.get(id))}<td>${change(a.get(id), b.get(id))}</td></tr>`;
    })
    .join('\n');
  return `<table class="gates"><thead><tr><th>gate</th><th>A</th><th>B</th><th>change</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function figuresTable(id: string, a: Gate | undefined, b: Gate | undefined): string {
  const fa = a?.evidence.figures ?? {};
  const fb = b?.evidence.figures ?? {};
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])];
  if (keys.length === 0) return '';
  const shown = (f: Readonly<Record<string, number | string | null>>, k: string) =>
    k in f ? labelledFigure(id, k, f[k] ?? null).value : '—';
  const rows = keys
    .map((k) => {
      const same = JSON.stringify(fa[k]) === JSON.stringify(fb[k]);
      return `<tr><td>${escapeHtml(labelledFigure(id, k, null).label)}</td><td>${escapeHtml(shown(fa, k))}</td><td>${escapeHtml(shown(fb, k))}${same ? '' : ' <span class="muted">(changed)</span>'}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>figure</th><th>A</th><th>B</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function findingsList(a: Gate | undefined, b: Gate | undefined): string {
  const before = findings(a);
  const after = findings(b);
  const fresh = [...after.keys()].filter((k) => !before.has(k));
  const gone = [...before.keys()].filter((k) => !after.has(k));
  const still = [...after.keys()].filter((k) => before.has(k));
  if (fresh.length + gone.length + still.length === 0) return '<p class="muted">No findings in either run.</p>';
  const list = (cls: string, title: string, names: readonly string[]) =>
    names.length === 0
      ? ''
      : `<p class="${cls}">${escapeHtml(title)} (${names.length})</p><ul class="findings-${cls}">${names.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  return list('new', 'New in B', fresh) + list('gone', 'Gone in B', gone) + list('muted', 'In both', still);
}

type Capacity = NonNullable<Summary['capacity']>;

/** The knee as a reader weighs it: where it holds to, and whether more room might be there. */
function kneeText(c: Capacity | undefined): string {
  if (c === undefined) return 'no capacity run';
  if (c.knee === undefined) return `breaks at the ${multiplier(c.targetMultiplier)} target itself`;
  return `holds to ${multiplier(c.knee.multiplier)} (${c.headroomIsLowerBound ? 'at least ' : ''}${multiplier(c.headroom)} headroom)`;
}

/**
 * The two capacity envelopes: the knee and headroom, then per endpoint the step it first broke at.
 * An endpoint that breaks later in B (or no longer breaks) is better; earlier, worse.
 */
function capacityCompare(a: Capacity | undefined, b: Capacity | undefined): string {
  if (a === undefined && b === undefined) return '';
  const knee = (c: Capacity | undefined) => (c?.knee ? c.knee.multiplier : c ? 0 : undefined);
  const [ka, kb] = [knee(a), knee(b)];
  const kneeChange =
    ka === undefined || kb === undefined
      ? '<span class="muted">one run only</span>'
      : kb > ka
        ? '<span class="gone">better</span>'
        : kb < ka
          ? '<span class="new">worse</span>'
          : '<span class="muted">same knee</span>';
  const breakAt = (c: Capacity | undefined, endpoint: string) => c?.firstBreaks.find((f) => f.endpoint === endpoint);
  const endpoints = [...new Set([...(a?.firstBreaks ?? []), ...(b?.firstBreaks ?? [])].map((f) => f.endpoint))].sort();
  const cell = (c: Capacity | undefined, endpoint: string) => {
    if (c === undefined) return '<td class="muted">no capacity run</td>';
    const f = breakAt(c, endpoint);
    return f ? `<td>${multiplier(f.multiplier)} (step ${f.step})</td>` : '<td>did not break</td>';
  };
  const endpointChange = (endpoint: string) => {
    if (a === undefined || b === undefined) return '<span class="muted">one run only</span>';
    const [fa, fb] = [breakAt(a, endpoint), breakAt(b, endpoint)];
    const at = (f: typeof fa) => f?.multiplier ?? Number.POSITIVE_INFINITY;
    return at(fb) > at(fa)
      ? '<span class="gone">later</span>'
      : at(fb) < at(fa)
        ? '<span class="new">earlier</span>'
        : '<span class="muted">same step</span>';
  };
  const rows = endpoints
    .map(
      (e) =>
        `<tr data-endpoint="${escapeHtml(e)}"><td>${escapeHtml(e)}</td>${cell(a, e)}${cell(b, e)}<td>${endpointChange(e)}</td></tr>`,
    )
    .join('');
  const headline = (c: Capacity | undefined) => escapeHtml(c?.headline ?? 'no capacity run');
  return `<h2 id="capacity">Capacity envelope</h2>
<table id="capacity-knee"><thead><tr><th></th><th>A</th><th>B</th><th>change</th></tr></thead><tbody>
<tr><td>knee</td><td>${escapeHtml(kneeText(a))}</td><td>${escapeHtml(kneeText(b))}</td><td>${kneeChange}</td></tr>
<tr><td>in words</td><td>${headline(a)}</td><td>${headline(b)}</td><td></td></tr>
</tbody></table>
${endpoints.length === 0 ? '<p class="muted">No endpoint broke in either envelope.</p>' : `<table id="capacity-breaks"><thead><tr><th>endpoint first breaks at</th><th>A</th><th>B</th><th>change</th></tr></thead><tbody>${rows}</tbody></table>`}`;
}

export function renderCompare(a: Side, b: Side): string {
  const gatesA = new Map(a.summary.gates.map((g) => [g.id, g]));
  const gatesB = new Map(b.summary.gates.map((g) => [g.id, g]));
  const ids = [...new Set([...gatesA.keys(), ...gatesB.keys()])];
  const sections = ids
    .map((id) => {
      const title = (gatesB.get(id) ?? gatesA.get(id))!.title;
      return `<section class="gate" id="cmp-${escapeHtml(id)}"><h3>${escapeHtml(title)}</h3>${figuresTable(id, gatesA.get(id), gatesB.get(id))}<h4>Findings</h4>${findingsList(gatesA.get(id), gatesB.get(id))}</section>`;
    })
    .join('\n');
  const run = (label: string, s: Side) =>
    `<tr><td>${label}</td><td><code>${escapeHtml(s.summary.run.id)}</code></td><td>${escapeHtml(s.summary.generatedAt)}</td><td><span class="badge v-${escapeHtml(s.summary.verdict)}">${escapeHtml(s.summary.verdict)}</span></td><td><code>${escapeHtml(s.source)}</code></td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Aclue sign-off compared: ${escapeHtml(a.summary.verdict)} → ${escapeHtml(b.summary.verdict)}</title>
<style>${styles}</style></head>
<body><main>
<h1>Two sign-off runs side by side</h1>
<table id="runs"><thead><tr><th></th><th>run</th><th>generated</th><th>verdict</th><th>from</th></tr></thead><tbody>${run('A', a)}${run('B', b)}</tbody></table>
<h2 id="gates">Gates</h2>${gatesTable(ids, gatesA, gatesB)}
${capacityCompare(a.summary.capacity, b.summary.capacity)}
<h2 id="details">Figures and findings per gate</h2>
<p class="muted">A finding is named by its endpoint, check, object or failure class, so the same problem measured differently in B is the same finding.</p>
${sections}
</main></body></html>
`;
}

/** Reads both reports and writes `compare.html` into `outDir`; returns its path. */
export function writeCompare(targetA: string, targetB: string, outDir: string): string {
  const html = renderCompare(readSide(targetA), readSide(targetB));
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'compare.html');
  writeAtomic(file, html);
  return file;
}
