/**
 * The report's capacity section: the envelope's headline, p95 latency per endpoint against the
 * offered rate with the SLO lines and the knee marked (inline SVG, like the other charts), and the
 * step table. Drawn from the envelope in summary.json, so it never disagrees with the gate.
 */
import type { CapacityEnvelope } from '../capacity/envelope.ts';
import { multiplier } from '../format.ts';
import { escapeHtml } from './markup.ts';

const W = 760;
const H = 300;
const PAD = { left: 56, right: 230, top: 16, bottom: 40 };
const fmt = (n: number): string => String(Math.round(n * 10) / 10);
const COLOURS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b83280', '#2c7a7b', '#975a16', '#4a5568'];

/** p95 per endpoint over the steps; endpoints listed worst first, the eight worst drawn. */
export function capacityChart(e: CapacityEnvelope, limits: { p90Ms: number; p95Ms: number }): string {
  const steps = e.steps;
  if (steps.length === 0) return '';
  const names = [...new Set(steps.flatMap((s) => s.endpoints.map((p) => p.name)))];
  const worst = (name: string) => Math.max(0, ...steps.map((s) => s.endpoints.find((p) => p.name === name)?.p95 ?? 0));
  const drawn = names.sort((a, b) => worst(b) - worst(a) || a.localeCompare(b)).slice(0, COLOURS.length);
  const top = Math.min(Math.max(limits.p95Ms * 1.25, ...drawn.map(worst)), limits.p95Ms * 5);
  const xs = steps.map((s) => s.multiplier);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const x = (m: number) => PAD.left + (x1 === x0 ? 0.5 : (m - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const y = (ms: number) => PAD.top + (1 - Math.min(ms, top) / top) * (H - PAD.top - PAD.bottom);
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = top * f;
      return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" class="grid"/><text x="${PAD.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${Math.round(v)}</text>`;
    })
    .join('');
  const ticks = steps
    .map(
      (s) =>
        `<text x="${fmt(x(s.multiplier))}" y="${H - PAD.bottom + 16}" text-anchor="middle">${multiplier(s.multiplier)}</text>`,
    )
    .join('');
  const slo = (ms: number, label: string) =>
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(ms))}" y2="${fmt(y(ms))}" class="limit"/><text x="${W - PAD.right - 4}" y="${fmt(y(ms) - 4)}" text-anchor="end" class="muted-svg">${escapeHtml(label)}</text>`;
  const knee = e.knee
    ? `<line x1="${fmt(x(e.knee.multiplier))}" x2="${fmt(x(e.knee.multiplier))}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#1d2330" stroke-width="1.5"/><text x="${fmt(x(e.knee.multiplier) + 4)}" y="${PAD.top + 10}">knee ${multiplier(e.knee.multiplier)}</text>`
    : '';
  const limitStep = steps.find((s) => s.status === 'instrument-limit');
  const instrument = limitStep
    ? `<rect x="${fmt(x(limitStep.multiplier) - 6)}" y="${PAD.top}" width="${fmt(W - PAD.right - x(limitStep.multiplier) + 6)}" height="${H - PAD.top - PAD.bottom}" fill="#e1e4ea" opacity="0.6"><title>the load generator's limit</title></rect>`
    : '';
  const lines = drawn
    .map((name, i) => {
      const points = steps.flatMap((s) => {
        const p = s.endpoints.find((q) => q.name === name)?.p95;
        return p === null || p === undefined ? [] : [[x(s.multiplier), y(p), p, s.multiplier] as const];
      });
      const colour = COLOURS[i]!;
      const path = points.map(([px, py]) => `${fmt(px)},${fmt(py)}`).join(' ');
      const dots = points
        .map(
          ([px, py, p, m]) =>
            `<circle cx="${fmt(px)}" cy="${fmt(py)}" r="3" fill="${colour}"><title>${escapeHtml(`${name} at ${multiplier(m)}: p95 ${Math.round(p)} ms`)}</title></circle>`,
        )
        .join('');
      const legend = `<rect x="${W - PAD.right + 12}" y="${PAD.top + i * 16}" width="10" height="10" fill="${colour}"/><text x="${W - PAD.right + 26}" y="${PAD.top + 9 + i * 16}">${escapeHtml(name)}</text>`;
      return `<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="1.5"/>${dots}${legend}`;
    })
    .join('');
  const title = 'p95 latency per endpoint against the offered rate (multiple of the baseline)';
  return `<figure class="chart"><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(title)}">${instrument}${axis}${ticks}${slo(limits.p95Ms, `p95 limit ${limits.p95Ms} ms`)}${slo(limits.p90Ms, `p90 limit ${limits.p90Ms} ms`)}${knee}${lines}</svg><figcaption><b>${escapeHtml(title)}</b> <span class="muted">ms; values above ${Math.round(top)} ms are drawn at the top; the shaded part is past the load generator's own limit.</span></figcaption></figure>`;
}

export function capacitySection(e: CapacityEnvelope | undefined, limits: { p90Ms: number; p95Ms: number }): string {
  if (!e)
    return '<h2 id="capacity">Capacity envelope</h2><p class="muted">No capacity run was judged (`npm run load -- capacity`).</p>';
  const rows = e.steps
    .map((s) => {
      const codes = (['auth', 'data', 'app'] as const)
        .map((k) => `${s.errorCodes[k]['429']}/${s.errorCodes[k]['5xx']}`)
        .join(' · ');
      const top = s.topStatements[0];
      return `<tr class="s-${s.status === 'holds' ? 'pass' : s.status === 'breaks' ? 'fail' : 'warn'}"><td>${s.step}</td><td>${multiplier(s.multiplier)}</td><td>${s.offeredRate.toFixed(2)}</td><td>${s.achievedRate.toFixed(2)}</td><td>${s.droppedIterations}</td><td>${(s.failedRate * 100).toFixed(2)}%</td><td>${Math.round(Math.max(0, ...s.endpoints.map((p) => p.p95 ?? 0)))}</td><td>${s.maxConnections ?? '—'}</td><td>${codes}</td><td>${top ? `<code>${escapeHtml(top.query.slice(0, 60))}</code> ${Math.round(top.msPerSecond)} ms/s` : '—'}</td><td>${escapeHtml(s.status)}${s.breaches.length || s.instrumentLimit ? `: ${escapeHtml([...s.breaches, ...(s.instrumentLimit ? [s.instrumentLimit] : [])].join('; '))}` : ''}</td></tr>`;
    })
    .join('');
  const breaks = e.firstBreaks.length
    ? `<ul>${e.firstBreaks
        .map(
          (b) =>
            `<li><b>${escapeHtml(b.endpoint)}</b> at ${multiplier(b.multiplier)}: ${escapeHtml(b.breached.join(', '))}${b.statement ? ` — heaviest statement: <code>${escapeHtml(b.statement.query.slice(0, 160))}</code> (${statementLoad(b.statement)})` : ''}</li>`,
        )
        .join('')}</ul>`
    : '<p>No endpoint broke within the envelope.</p>';
  return `<h2 id="capacity">Capacity envelope</h2><p><b>${escapeHtml(e.headline)}</b></p><p class="muted">From <code>${escapeHtml(e.runDir)}</code>${e.engine ? ` (${escapeHtml(e.engine)})` : ''}; each step judged over its hold against the error-level criteria.</p>
${capacityChart(e, limits)}
<table><thead><tr><th>step</th><th>rate</th><th>offered /s</th><th>achieved /s</th><th>dropped</th><th>failed</th><th>worst p95 ms</th><th>DB connections</th><th>429/5xx auth · data · app</th><th>top statement</th><th>status</th></tr></thead><tbody>${rows}</tbody></table>
<h3>First break per endpoint</h3>${breaks}`;
}

/** "412 ms/s, +310 from the step before": the database time the statement took in its step. */
function statementLoad(s: NonNullable<CapacityEnvelope['firstBreaks'][number]['statement']>): string {
  const grew = s.grewMsPerSecond;
  const change =
    grew === undefined ? '' : `, ${grew >= 0 ? '+' : '−'}${Math.abs(Math.round(grew))} from the step before`;
  return `${Math.round(s.msPerSecond)} ms/s${change}`;
}
