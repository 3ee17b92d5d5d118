/**
 * Renders the report: one HTML file with everything inlined (uPlot's script and stylesheet, the
 * data, the styles), so it opens offline and makes no network request. All text from gates and
 * inputs goes through `escapeHtml`; data for the charts is embedded as JSON with `<` escaped, so no
 * value can close the script element.
 */
import { type SuccessCriteria, successCriteria } from '../../model/slo.ts';
import type { CapacityEnvelope } from '../capacity/envelope.ts';
import { mergeCriteria } from '../criteria.ts';
import { ms, percent, round, times } from '../format.ts';
import type { GateResult } from '../gate.ts';
import { generatorLimits, judgeGenerator, SATURATION_REMEDY } from '../k6/generator-health.ts';
import { blockersSection } from './blockers.ts';
import { capacitySection } from './capacity.ts';
import { archetypeChart, archetypeScores, attributionChart, latencyChart } from './charts.ts';
import { fixesSection } from './fix-links.ts';
import { columnLabel, labelledFigure } from './labels.ts';
import { escapeHtml, scriptJson, statusBadge, styles } from './markup.ts';
import { fromLoadSummary } from './summary.ts';
import type { LoadSummary, Summary } from './summary-schema.ts';

export interface ReportAssets {
  readonly uplotJs: string;
  readonly uplotCss: string;
}

/** Evidence groups of the report, in order; gates not named here land in "Other gates". */
const groups: readonly { id: string; title: string; gates: readonly string[] }[] = [
  { id: 'latency', title: 'Latency and load', gates: ['api-latency', 'availability', 'load-delivered', 'degradation'] },
  { id: 'database', title: 'Database', gates: ['database', 'deployment', 'monitoring'] },
  { id: 'preference', title: 'Preference accuracy', gates: ['preference-accuracy'] },
  { id: 'attribution', title: 'Attribution', gates: ['attribution'] },
  { id: 'real-data', title: 'Real data', gates: ['real-data'] },
  { id: 'rls', title: 'RLS, security and integrity', gates: ['security', 'data-integrity'] },
];

const MAX_ROWS = 200;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '<td class="muted">—</td>';
  if (typeof value === 'number')
    return `<td class="num">${escapeHtml(Number.isInteger(value) ? value : round(value, 4))}</td>`;
  if (typeof value === 'object') return `<td><code>${escapeHtml(JSON.stringify(value))}</code></td>`;
  return `<td>${escapeHtml(value)}</td>`;
}

/** Any rows as a table: the columns are the union of the keys, in first-seen order. */
export function rowsTable(rows: readonly Readonly<Record<string, unknown>>[]): string {
  if (rows.length === 0) return '';
  const shown = rows.slice(0, MAX_ROWS);
  const columns: string[] = [];
  for (const row of shown) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const head = columns.map((c) => `<th>${escapeHtml(columnLabel(c))}</th>`).join('');
  const body = shown.map((row) => `<tr>${columns.map((c) => cell(row[c])).join('')}</tr>`).join('\n');
  const more =
    rows.length > MAX_ROWS ? `<p class="muted">${rows.length - MAX_ROWS} more rows in summary.json.</p>` : '';
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${more}`;
}

/** Figures with their human labels and units; the raw keys stay in summary.json. */
function figuresList(gateId: string, figures: GateResult['evidence']['figures']): string {
  if (!figures || Object.keys(figures).length === 0) return '';
  const items = Object.entries(figures)
    .map(([k, v]) => labelledFigure(gateId, k, v))
    .map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`)
    .join('');
  return `<dl class="figures">${items}</dl>`;
}

function gateSection(gate: GateResult): string {
  const links = (gate.evidence.links ?? [])
    .map((l) =>
      l.startsWith('#')
        ? `<a href="${escapeHtml(l)}">${escapeHtml(l)}</a>`
        : `<a href="${escapeHtml(l)}">${escapeHtml(l)}</a>`,
    )
    .join(' · ');
  return `<section class="gate" id="gate-${escapeHtml(gate.id)}">
<h3>${statusBadge(gate.status)} ${escapeHtml(gate.title)} <span class="muted">(${escapeHtml(gate.id)}, ${escapeHtml(gate.level)})</span></h3>
<p><b>Threshold:</b> ${escapeHtml(gate.threshold)}<br><b>Measured:</b> ${escapeHtml(gate.measured)}</p>
<p>${escapeHtml(gate.evidence.summary)}</p>
${figuresList(gate.id, gate.evidence.figures)}
${rowsTable(gate.evidence.rows ?? [])}
${links ? `<p class="muted">See also: ${links}</p>` : ''}
${gate.checklist.length ? `<p class="muted">Answers: ${gate.checklist.map((c) => `“${escapeHtml(c)}”`).join(', ')}</p>` : ''}
</section>`;
}

function gateTable(summary: Summary): string {
  const baseline = new Map((summary.baseline?.gates ?? []).map((g) => [g.id, g]));
  const hasBaseline = baseline.size > 0;
  const rows = summary.gates
    .map((g) => {
      const b = baseline.get(g.id);
      const baseCell = hasBaseline
        ? `<td>${b ? `${statusBadge(b.status)} ${escapeHtml(b.measured)}` : '<span class="muted">—</span>'}</td>`
        : '';
      return `<tr><td><a href="#gate-${escapeHtml(g.id)}">${escapeHtml(g.title)}</a><br><span class="muted">${escapeHtml(g.id)}</span></td><td>${escapeHtml(g.level)}</td><td>${escapeHtml(g.threshold)}</td><td>${escapeHtml(g.measured)}</td><td>${statusBadge(g.status)}</td>${baseCell}</tr>`;
    })
    .join('\n');
  return `<table class="gates"><thead><tr><th>gate</th><th>level</th><th>threshold</th><th>measured</th><th>status</th>${hasBaseline ? '<th>baseline</th>' : ''}</tr></thead><tbody>${rows}</tbody></table>`;
}

function checklistSection(summary: Summary): string {
  return summary.checklist
    .map((section) => {
      const rows = section.lines
        .map((line) => {
          const gates = line.gates.length
            ? line.gates
                .map((id) =>
                  summary.gates.some((g) => g.id === id)
                    ? `<a href="#gate-${escapeHtml(id)}">${escapeHtml(id)}</a>`
                    : `${escapeHtml(id)} <span class="muted">(not run)</span>`,
                )
                .join(', ')
            : '<span class="muted">manual sign-off</span>';
          const proxy = line.proxy ? `<br><span class="muted">${escapeHtml(line.proxy)}</span>` : '';
          return `<tr><td>${escapeHtml(line.text)}${proxy}</td><td>${statusBadge(line.status)}</td><td>${gates}</td></tr>`;
        })
        .join('\n');
      return `<h3>${escapeHtml(section.title)}</h3><table class="checklist"><thead><tr><th>checklist line</th><th>status</th><th>answered by</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('\n');
}

function endpointTable(load: LoadSummary, baseline: LoadSummary | undefined): string {
  const base = new Map((baseline?.endpoints ?? []).map((e) => [e.name, e]));
  const withBase = base.size > 0;
  const rows = [...load.endpoints, load.overall]
    .map((e) => {
      const b = base.get(e.name);
      const baseCells = withBase
        ? b
          ? `${cell(b.latency.p95)}${cell(b.latency.p95 > 0 ? times(e.latency.p95 / b.latency.p95) : null)}`
          : '<td class="muted">—</td><td class="muted">—</td>'
        : '';
      return `<tr><td>${escapeHtml(e.name)}</td>${cell(e.requests)}${cell(percent(e.errorRate, 3))}${cell(e.latency.p50)}${cell(e.latency.p90)}${cell(e.latency.p95)}${cell(e.latency.p99)}${cell(e.latency.max)}${baseCells}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table><thead><tr><th>endpoint (k6 name tag)</th><th>requests</th><th>errors</th><th>p50 ms</th><th>p90 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th>${withBase ? '<th>baseline p95 ms</th><th>peak/baseline</th>' : ''}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function reproducibility(summary: Summary): string {
  const r = summary.reproducibility;
  const list = (items: readonly string[]) =>
    items.length
      ? `<ul>${items.map((i) => `<li><code>${escapeHtml(i)}</code></li>`).join('')}</ul>`
      : '<p class="muted">none</p>';
  const versions = Object.entries(r.versions).map(([k, v]) => `${k} ${v}`);
  return `<h3>Seed runs</h3>${list(r.seedRunIds)}<h3>Load run folders</h3>${list(r.loadRunDirs)}
<h3>Versions</h3>${list(versions)}<h3>Commands</h3>${list(r.commands)}
${r.database ? `<p><b>Database:</b> <code>${escapeHtml(r.database)}</code>${r.databaseError ? ` — <span class="s-fail">${escapeHtml(r.databaseError)}</span>` : ''}</p>` : ''}
<h3>Criteria in force</h3><p class="muted">As a <code>--criteria</code> file would set them.</p><pre>${escapeHtml(JSON.stringify(r.criteria, null, 2))}</pre>`;
}

/** The p95 limit in force, from the criteria recorded for reproduction. */
/** The latency limits in force (the criteria verify ran with), for the capacity chart's SLO lines. */
function capacityLimits(summary: Summary): { p90Ms: number; p95Ms: number } {
  const latency = summary.reproducibility.criteria.latency as { p90Ms?: unknown; p95Ms?: unknown } | undefined;
  return {
    p90Ms: typeof latency?.p90Ms === 'number' ? latency.p90Ms : successCriteria.latency.p90Ms,
    p95Ms: typeof latency?.p95Ms === 'number' ? latency.p95Ms : successCriteria.latency.p95Ms,
  };
}

function p95Limit(summary: Summary): number | undefined {
  const latency = summary.reproducibility.criteria.latency;
  const value =
    typeof latency === 'object' && latency !== null ? (latency as Record<string, unknown>).p95Ms : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** The chart a group opens with, drawn from its gate's evidence. */
function groupChart(groupId: string, byId: ReadonlyMap<string, Summary['gates'][number]>): string {
  if (groupId === 'preference')
    return archetypeChart(archetypeScores(byId.get('preference-accuracy') as GateResult | undefined));
  if (groupId === 'attribution') return attributionChart(byId.get('attribution') as GateResult | undefined);
  return '';
}

/** Client-side script: draws the charts from the embedded windows with uPlot. */
const chartScript = `
(function(){
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var box = document.getElementById('charts-box');
  if (!data.windows.length) { box.innerHTML = '<p class="muted">No time series: the evidence has no per-window data.</p>'; return; }
  var t = data.windows.map(function(w){ return w.t; });
  var per = data.windowSeconds || 1;
  function col(k, f){ return data.windows.map(function(w){ var v = w[k]; return v === null || v === undefined ? null : (f ? f(v) : v); }); }
  var width = Math.max(320, Math.min(1140, box.clientWidth || 1000));
  function chart(title, series, values, unit){
    var el = document.createElement('div'); el.className = 'chart'; box.appendChild(el);
    var opts = { title: title, width: width - 20, height: 240, series: [{}].concat(series),
      axes: [{}, { label: unit }], scales: { x: { time: true } } };
    new uPlot(opts, [t].concat(values), el);
  }
  chart('Latency percentiles per ' + per + ' s window (all endpoints)', [
    { label: 'p50', stroke: '#2b6cb0' }, { label: 'p90', stroke: '#38a169' },
    { label: 'p95', stroke: '#d69e2e' }, { label: 'p99', stroke: '#c53030' }],
    [col('p50'), col('p90'), col('p95'), col('p99')], 'ms');
  var health = data.windows.some(function(w){ return w.eventLoopP99 != null || w.scheduleLagP95 != null; });
  if (health) {
    chart('Load generator: event-loop delay and schedule lag (its own health, beside the latency above)', [
      { label: 'event-loop p99', stroke: '#c53030' }, { label: 'event-loop max', stroke: '#ed8936' },
      { label: 'schedule lag p95', stroke: '#805ad5' }],
      [col('eventLoopP99'), col('eventLoopMax'), col('scheduleLagP95')], 'ms');
    chart('Load generator: CPU (share of one core) and VUs busy', [
      { label: 'CPU %', stroke: '#2b6cb0' }, { label: 'VUs busy %', stroke: '#38a169' }],
      [col('cpu', function(v){ return v * 100; }), col('vusBusy', function(v){ return v * 100; })], '%');
  }
  if (data.scheduleDiffers) {
    chart('Iteration duration p95: from its start (k6) and from its planned start', [
      { label: 'from its start', stroke: '#2b6cb0' }, { label: 'from its planned start', stroke: '#c53030' }],
      [col('iterationP95'), col('intendedIterationP95')], 'ms');
  }
  chart('Requests and errors per second', [
    { label: 'requests/s', stroke: '#2b6cb0' }, { label: 'failed/s', stroke: '#c53030' }],
    [col('requests', function(v){ return v / per; }), col('failed', function(v){ return v / per; })], 'per second');
  chart('VUs, iterations and dropped iterations', [
    { label: 'VUs', stroke: '#805ad5' }, { label: 'iterations/s', stroke: '#2b6cb0' }, { label: 'dropped/s', stroke: '#c53030' }],
    [col('vus'), col('iterations', function(v){ return v / per; }), col('droppedIterations', function(v){ return v / per; })], '');
})();
`;

export function renderHtml(summary: Summary, assets: ReportAssets): string {
  const load = summary.load;
  const capacity = summary.capacity as unknown as CapacityEnvelope | undefined;
  const byId = new Map(summary.gates.map((g) => [g.id, g]));
  const grouped = new Set(groups.flatMap((g) => g.gates));
  const evidence = groups
    .map((group) => {
      const gates = group.gates
        .map((id) => byId.get(id))
        .filter((g): g is (typeof summary.gates)[number] => g !== undefined);
      const body = gates.length
        ? gates.map((g) => gateSection(g as GateResult)).join('\n')
        : '<p class="muted">No gate of this group ran.</p>';
      return `<h2 id="${group.id}">${escapeHtml(group.title)}</h2>${groupChart(group.id, byId)}${body}`;
    })
    .join('\n');
  const others = summary.gates.filter((g) => !grouped.has(g.id));
  const otherSection = others.length
    ? `<h2 id="other">Other gates</h2>${others.map((g) => gateSection(g as GateResult)).join('\n')}`
    : '';
  const chartData = {
    windowSeconds: load?.windowSeconds ?? 0,
    // The lag histograms are for judging spans of the run, not for drawing.
    windows: (load?.windows ?? []).map(({ scheduleLagHistogram: _h, ...w }) => w),
    scheduleDiffers: scheduleDiffers(load),
  };
  const sourceNote = load
    ? `<p class="muted">Evidence: ${escapeHtml(load.kind === 'raw' ? "raw output in k6's JSON format" : 'the end-of-test summary (no raw output was found)')} from ${load.sources
        .map((s) => `<code>${escapeHtml(s.file)}</code> (instance ${escapeHtml(s.instance)}, ${s.lines} lines)`)
        .join('; ')}. Percentiles come from merged histograms, never from averaged percentiles.</p>`
    : '<p class="muted">No load run was given, so there are no charts.</p>';
  const problems = load ? load.sources.flatMap((s) => s.problems) : [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Aclue sign-off: ${escapeHtml(summary.verdict)} — ${escapeHtml(summary.run.id)}</title>
<style>${assets.uplotCss}</style><style>${styles}</style></head>
<body><main>
<h1>Aclue database deployment sign-off</h1>
<p class="muted">Run <code>${escapeHtml(summary.run.id)}</code>, generated ${escapeHtml(summary.generatedAt)}${engineNote(load)}</p>
${loadOutcome(load)}
<div class="banner v-${escapeHtml(summary.verdict)}" id="verdict"><b>${escapeHtml(summary.verdict)}</b></div>
${capacity ? `<p id="capacity-headline"><a href="#capacity">Capacity:</a> ${escapeHtml(capacity.headline)}</p>` : ''}
${blockersSection(summary.gates, summary.fixes)}
<nav><a href="#blockers">What blocks sign-off</a><a href="#gates">Gates</a><a href="#checklist">Checklist</a><a href="#charts">Charts</a><a href="#endpoints">Endpoints</a><a href="#capacity">Capacity</a>${groups.map((g) => `<a href="#${g.id}">${escapeHtml(g.title)}</a>`).join('')}<a href="#reproduce">Reproduce</a></nav>
<h2 id="gates">Gates</h2>${gateTable(summary)}
<h2 id="checklist">Deployment checklist</h2>
<p class="muted">Each line of the checklist with the gates that answer it; lines the kit cannot measure are left for manual sign-off.</p>
${checklistSection(summary)}
<h2 id="charts">Load over time</h2>${sourceNote}
${problems.length ? `<p class="s-fail">Problems in the load output:</p><ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : ''}
${generatorNote(load, summary)}
<div id="charts-box"></div>
<h2 id="endpoints">Endpoints</h2>${load ? `${latencyChart(load, p95Limit(summary))}${endpointTable(load, summary.baseline?.load)}` : '<p class="muted">No load run.</p>'}
${capacitySection(capacity, capacityLimits(summary))}
${evidence}
${otherSection}
${fixesSection(summary.fixes)}
<h2 id="reproduce">Reproduce</h2>${reproducibility(summary)}
</main>
<script type="application/json" id="chart-data">${scriptJson(chartData)}</script>
<script type="application/json" id="summary">${scriptJson(summary)}</script>
<script>${assets.uplotJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>${chartScript}</script>
</body></html>
`;
}

/**
 * How the load run itself ended, per instance: the engine's exit code (99 = thresholds breached)
 * and the thresholds it judged breached. Shown next to the verdict because a run that aborted on
 * an RLS leak or breached its thresholds must not read as a clean run whatever the gates say.
 */
function loadOutcome(load: LoadSummary | undefined): string {
  const items = (load?.sources ?? []).flatMap((s) => {
    const code = s.load?.exitCode;
    if (code === undefined && s.breachedThresholds === undefined) return [];
    const bad = (code !== undefined && code !== 0) || (s.breachedThresholds?.length ?? 0) > 0;
    const codeText =
      code === undefined ? 'exit code not recorded' : code === null ? 'killed (no exit code)' : `exit code ${code}`;
    const breached =
      s.breachedThresholds === undefined
        ? ''
        : s.breachedThresholds.length === 0
          ? '; no threshold breached'
          : `; breached: ${s.breachedThresholds.map((t) => `<code>${escapeHtml(t)}</code>`).join(', ')}`;
    return [
      `<li${bad ? ' class="s-fail"' : ''}>instance ${escapeHtml(s.instance)}: ${escapeHtml(codeText)}${breached}</li>`,
    ];
  });
  return items.length ? `<div id="load-outcome"><b>Load run outcome</b><ul>${items.join('')}</ul></div>` : '';
}

/**
 * The generator's health as verify judged it before any latency verdict (verify/k6/generator-health.ts),
 * and the iterations timed from their planned start beside k6's own timing where the two differ.
 */
function generatorNote(load: LoadSummary | undefined, summary: Summary): string {
  if (load?.kind !== 'raw') return '';
  const recorded = summary.reproducibility.criteria as Partial<SuccessCriteria>;
  const criteria = mergeCriteria({
    generator: recorded.generator ?? {},
    ...(typeof recorded.maxDroppedIterationRate === 'number'
      ? { maxDroppedIterationRate: recorded.maxDroppedIterationRate }
      : {}),
  });
  const j = judgeGenerator(fromLoadSummary(load), generatorLimits(criteria));
  const f = j.figures;
  const seen = [
    f['generator event-loop p99 (ms)'] === null ? '' : `event-loop p99 ${ms(f['generator event-loop p99 (ms)'])}`,
    f['generator CPU (share of a core)'] === null
      ? ''
      : `CPU ${percent(f['generator CPU (share of a core)'])} of a core`,
    f['schedule lag p95 (ms)'] === null ? '' : `schedule lag p95 ${ms(f['schedule lag p95 (ms)'])}`,
    `${percent(f['dropped share'])} of iterations dropped`,
  ].filter(Boolean);
  const state = j.saturated
    ? `<b class="s-fail">saturated</b>: ${escapeHtml(j.reasons.join('; '))}; the latency gates did not judge this run (${escapeHtml(SATURATION_REMEDY)})`
    : j.undersampled
      ? `<b class="s-warn">dropping iterations</b>: ${escapeHtml(j.undersampled)}; a latency pass is not given on it`
      : `<b class="s-pass">healthy</b>`;
  const source =
    j.source === 'k6' ? " (k6 gives only dropped iterations and VUs; the kit engine's own samples are absent)" : '';
  const schedule = load.schedule;
  const timing = schedule
    ? `<p class="muted" id="intended-start">Iterations timed from their planned start (coordinated omission made visible): p95 ${escapeHtml(ms(schedule.intendedIteration.p95))}, against k6's iteration_duration p95 ${escapeHtml(ms(schedule.iteration.p95))}; they started late by ${escapeHtml(ms(schedule.lag.p95))} at p95 (max ${escapeHtml(ms(schedule.lag.max))})${scheduleDiffers(load) ? '; the chart below shows where the two differ' : ', so the two agree'}.</p>`
    : '';
  return `<p id="generator-health">Load generator: ${state}${escapeHtml(source)}. ${escapeHtml(seen.join(', '))}.</p>${timing}`;
}

/** True when some window's iterations, timed from their planned start, took noticeably longer than k6 timed them. */
function scheduleDiffers(load: LoadSummary | undefined): boolean {
  return (load?.windows ?? []).some(
    (w) =>
      typeof w.intendedIterationP95 === 'number' &&
      typeof w.iterationP95 === 'number' &&
      w.intendedIterationP95 - w.iterationP95 > Math.max(SCHEDULE_DIFFERENCE_MS, 0.1 * w.iterationP95),
  );
}

/** Below this a late start is scheduling noise, not a difference worth a chart. */
const SCHEDULE_DIFFERENCE_MS = 10;

/** Which program produced the load evidence (k6 or the kit's engine), from each run folder's load.json. */
function engineNote(load: LoadSummary | undefined): string {
  const engines = [
    ...new Set(
      (load?.sources ?? []).flatMap((s) => (s.load?.engine ? [`${s.load.engine.name} ${s.load.engine.version}`] : [])),
    ),
  ];
  return engines.length ? `; load evidence produced by <b>${escapeHtml(engines.join(', '))}</b>` : '';
}
