/**
 * Charts for figures a person would rather look at than read: preference accuracy per archetype,
 * attribution counts and per-endpoint p95 against its threshold. They are summaries of a few
 * numbers, not time series, so they are drawn here as inline SVG: nothing to load, nothing to run,
 * and they show even with scripts off. Each chart is built from the gate's evidence, so it never
 * disagrees with the tables below it.
 */
import type { GateResult } from '../gate.ts';
import { formatFigure } from './labels.ts';
import { escapeHtml } from './markup.ts';
import type { LoadSummary } from './summary-schema.ts';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** A bar over its threshold (or counting failures) is drawn as bad. */
  readonly bad?: boolean;
}

const W = 760;
const LABEL_W = 260;
const ROW_H = 24;
const fmt = (n: number): string => String(Math.round(n * 100) / 100);

function figureBox(title: string, svg: string, note: string): string {
  return `<figure class="chart">${svg}<figcaption><b>${escapeHtml(title)}</b>${note ? ` <span class="muted">${escapeHtml(note)}</span>` : ''}</figcaption></figure>`;
}

/** Horizontal bars with their values; an optional threshold is a dashed vertical line. */
export function barChart(
  title: string,
  bars: readonly Bar[],
  options: { unit: 'count' | 'ms'; threshold?: number; note?: string },
): string {
  if (bars.length === 0) return '';
  const max = Math.max(...bars.map((b) => b.value), options.threshold ?? 0) * 1.1 || 1;
  const plotW = W - LABEL_W - 90;
  const x = (v: number): number => LABEL_W + (v / max) * plotW;
  const height = bars.length * ROW_H + 24;
  const rows = bars
    .map((b, i) => {
      const y = 8 + i * ROW_H;
      const shown = formatFigure(b.value, options.unit);
      return (
        `<g><title>${escapeHtml(`${b.label}: ${shown}`)}</title><text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(b.label)}</text>` +
        `<rect x="${LABEL_W}" y="${y + 3}" width="${fmt(Math.max(1, x(b.value) - LABEL_W))}" height="${ROW_H - 8}" class="${b.bad ? 'bar-bad' : 'bar'}"/>` +
        `<text x="${fmt(x(b.value) + 6)}" y="${y + 15}">${escapeHtml(shown)}</text></g>`
      );
    })
    .join('');
  const limit =
    options.threshold === undefined
      ? ''
      : `<line x1="${fmt(x(options.threshold))}" x2="${fmt(x(options.threshold))}" y1="4" y2="${height - 16}" class="limit"/>` +
        `<text x="${fmt(x(options.threshold))}" y="${height - 4}" text-anchor="middle" class="muted-svg">limit ${escapeHtml(formatFigure(options.threshold, options.unit))}</text>`;
  return figureBox(
    title,
    `<svg viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}">${rows}${limit}</svg>`,
    options.note ?? '',
  );
}

export interface ArchetypeScore {
  readonly archetype: string;
  readonly users: number;
  readonly app: number;
  readonly appLower: number;
  readonly appUpper: number;
  readonly oracle: number;
  readonly popularity: number;
}

/** Per archetype: the app, the oracle and popularity side by side on 0–1, the app with its 95% CI whisker. */
export function archetypeChart(scores: readonly ArchetypeScore[]): string {
  if (scores.length === 0) return '';
  const series = [
    { key: 'app', name: 'the app (with 95% CI)', cls: 'bar' },
    { key: 'oracle', name: 'oracle (best the swipes allow)', cls: 'bar-oracle' },
    { key: 'popularity', name: 'popularity alone', cls: 'bar-pop' },
  ] as const;
  const top = 24;
  const plotH = 200;
  const left = 40;
  const groupW = (W - left - 10) / scores.length;
  const barW = Math.min(36, (groupW - 16) / 3);
  const y = (v: number): number => top + (1 - Math.max(0, Math.min(1, v))) * plotH;
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<line x1="${left}" x2="${W - 10}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" class="grid"/><text x="${left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end">${t}</text>`,
    )
    .join('');
  const groups = scores
    .map((s, i) => {
      const x0 = left + i * groupW + (groupW - 3 * barW) / 2;
      const bars = series
        .map((k, j) => {
          const v = s[k.key];
          return `<rect x="${fmt(x0 + j * barW)}" y="${fmt(y(v))}" width="${fmt(barW - 2)}" height="${fmt(y(0) - y(v))}" class="${k.cls}"><title>${escapeHtml(`${s.archetype}, ${k.name}: ${formatFigure(v, 'score')}`)}</title></rect>`;
        })
        .join('');
      const cx = fmt(x0 + barW / 2 - 1);
      const whisker =
        `<g class="whisker"><title>${escapeHtml(`${s.archetype}, the app's 95% CI: ${formatFigure(s.appLower, 'score')} to ${formatFigure(s.appUpper, 'score')}`)}</title>` +
        `<line x1="${cx}" x2="${cx}" y1="${fmt(y(s.appUpper))}" y2="${fmt(y(s.appLower))}"/>` +
        `<line x1="${fmt(Number(cx) - 5)}" x2="${fmt(Number(cx) + 5)}" y1="${fmt(y(s.appUpper))}" y2="${fmt(y(s.appUpper))}"/>` +
        `<line x1="${fmt(Number(cx) - 5)}" x2="${fmt(Number(cx) + 5)}" y1="${fmt(y(s.appLower))}" y2="${fmt(y(s.appLower))}"/></g>`;
      return `${bars}${whisker}<text x="${fmt(left + i * groupW + groupW / 2)}" y="${top + plotH + 16}" text-anchor="middle">${escapeHtml(s.archetype)} (${s.users} users)</text>`;
    })
    .join('');
  const legend = series
    .map(
      (k, j) =>
        `<rect x="${left + j * 220}" y="4" width="12" height="12" class="${k.cls}"/><text x="${left + j * 220 + 18}" y="14">${escapeHtml(k.name)}</text>`,
    )
    .join('');
  const height = top + plotH + 26;
  return figureBox(
    'NDCG@3 per archetype',
    `<svg viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="NDCG@3 per archetype">${legend}${axis}${groups}</svg>`,
    "1 is the planted favourites ranked first; the whisker is the bootstrap 95% interval over the archetype's users.",
  );
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The archetype rows of the preference gate's evidence (rows with `breakdown: 'archetype'`). */
export function archetypeScores(gate: GateResult | undefined): ArchetypeScore[] {
  return (gate?.evidence.rows ?? []).flatMap((r) => {
    const [users, app, appLower, appUpper, oracle, popularity] = [
      r.users,
      r.app_ndcg3,
      r.app_ndcg3_ci_lower,
      r.app_ndcg3_ci_upper,
      r.oracle_ndcg3,
      r.popularity_ndcg3,
    ].map(num);
    if (
      r.breakdown !== 'archetype' ||
      typeof r.group !== 'string' ||
      [users, app, appLower, appUpper, oracle, popularity].includes(undefined)
    )
      return [];
    return [
      {
        archetype: r.group,
        users: users!,
        app: app!,
        appLower: appLower!,
        appUpper: appUpper!,
        oracle: oracle!,
        popularity: popularity!,
      },
    ];
  });
}

/** From clicks to conversions, then what the app had to refuse or count once. */
export function attributionChart(gate: GateResult | undefined): string {
  const fig = gate?.evidence.figures ?? {};
  const steps: [string, unknown, boolean?][] = [
    ['clicks recorded by the load', fig.loadClicks],
    ['postbacks planted', fig.plantedPostbacks],
    ['conversions planted', fig.plantedConversions],
    ['conversions stored', fig.recordedConversions, num(fig.recordedConversions) !== num(fig.plantedConversions)],
    ['duplicates (to count once)', fig.planted_duplicate],
    ['late (to refuse as expired)', fig.planted_late],
    ['unknown click (to refuse)', fig.planted_unknown_click],
    ['forged signature (to refuse)', fig.planted_bad_signature],
  ];
  const bars = steps.flatMap(([label, v, bad]) =>
    num(v) === undefined ? [] : [{ label, value: num(v)!, bad: bad === true }],
  );
  const failures = Object.entries(fig).reduce(
    (sum, [k, v]) => sum + (k.startsWith('failures_') ? (num(v) ?? 0) : 0),
    0,
  );
  if (bars.length > 0) bars.push({ label: 'postbacks handled wrongly', value: failures, bad: failures > 0 });
  return barChart('Attribution: from clicks to conversions', bars, {
    unit: 'count',
    note: 'Planted counts are what the load sent; stored counts what the app kept.',
  });
}

/** Each endpoint's p95 against the p95 limit in force (`criteria.latency.p95Ms`). */
export function latencyChart(load: LoadSummary | undefined, p95Limit: number | undefined): string {
  const endpoints = [...(load?.endpoints ?? [])].sort((a, b) => b.latency.p95 - a.latency.p95);
  return barChart(
    'p95 latency per endpoint',
    endpoints.map((e) => ({
      label: e.name,
      value: e.latency.p95,
      bad: p95Limit !== undefined && e.latency.p95 >= p95Limit,
    })),
    {
      unit: 'ms',
      ...(p95Limit === undefined ? {} : { threshold: p95Limit }),
      note: 'From merged histograms of every instance; red bars are at or over the limit.',
    },
  );
}
