/**
 * The end-of-test text summary: thresholds, per-endpoint latency, load delivered against load
 * scheduled, checks and the kit's own metrics. Reads k6's default (legacy) handleSummary object.
 * Pure, so it is unit-tested against a recorded summary.
 */

export interface SummaryMetric {
  readonly type: 'counter' | 'gauge' | 'rate' | 'trend';
  readonly contains: string;
  readonly values: Readonly<Record<string, number>>;
  readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>>;
}

export interface SummaryCheck {
  readonly name: string;
  readonly passes: number;
  readonly fails: number;
}

export interface SummaryGroup {
  readonly name: string;
  readonly groups: readonly SummaryGroup[];
  readonly checks: readonly SummaryCheck[];
}

export interface SummaryData {
  readonly metrics: Readonly<Record<string, SummaryMetric>>;
  readonly root_group: SummaryGroup;
  readonly state?: { readonly testRunDurationMs?: number };
}

export interface SummaryContext {
  readonly profile: string;
  /** Which program ran the journeys: 'k6' or the kit's engine. */
  readonly engine: string;
  readonly targetUrl: string;
  readonly seedRunId: string | undefined;
  /** Iterations the profile asked for, per journey. */
  readonly scheduled: Readonly<Record<string, number>>;
}

/** Every threshold with its result, failed ones first. */
export function thresholdResults(data: SummaryData): { metric: string; expression: string; ok: boolean }[] {
  const results: { metric: string; expression: string; ok: boolean }[] = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expression, result] of Object.entries(m.thresholds ?? {}))
      results.push({ metric, expression, ok: result.ok });
  }
  return results.sort((a, b) => Number(a.ok) - Number(b.ok) || a.metric.localeCompare(b.metric));
}

/** Endpoint names that have per-endpoint sub-metrics in the summary. */
export function summaryEndpoints(data: SummaryData): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(data.metrics)) {
    const match = /^http_req_duration\{name:([^}]+)\}$/.exec(key);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

/** Every check in the group tree, flattened. */
export function allChecks(group: SummaryGroup): SummaryCheck[] {
  return [...group.checks, ...group.groups.flatMap(allChecks)];
}

export function formatSummary(data: SummaryData, context: SummaryContext): string {
  const lines: string[] = [];
  const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
  lines.push(`aclue sign-off kit: ${context.profile} run on ${context.engine}`);
  lines.push(`target ${context.targetUrl}   seed run ${context.seedRunId ?? 'unknown'}   ${seconds.toFixed(1)} s`);
  lines.push('');

  const thresholds = thresholdResults(data);
  const failed = thresholds.filter((t) => !t.ok).length;
  lines.push(
    `THRESHOLDS  ${thresholds.length - failed} passed, ${failed} failed${failed > 0 ? '  (FAILED: the run exits 99)' : ''}`,
  );
  for (const t of thresholds)
    lines.push(`  ${t.ok ? 'ok  ' : 'FAIL'}  ${t.metric}  ${t.expression}${observed(data, t.metric, t.expression)}`);
  lines.push('');

  lines.push('ENDPOINTS');
  const rows: string[][] = [
    ['name', 'requests', 'failed', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms', 'db p95 ms'],
  ];
  for (const name of summaryEndpoints(data)) {
    const d = data.metrics[`http_req_duration{name:${name}}`]?.values ?? {};
    const reqs = data.metrics[`http_reqs{name:${name}}`]?.values.count;
    const failedRate = data.metrics[`http_req_failed{name:${name}}`]?.values.rate;
    const db = data.metrics[`aclue_db_time{name:${name}}`]?.values['p(95)'];
    rows.push([
      name,
      num(reqs ?? d.count, 0),
      pct(failedRate),
      ms(d.med),
      ms(d['p(90)']),
      ms(d['p(95)']),
      ms(d['p(99)']),
      ms(d.max),
      ms(db),
    ]);
  }
  lines.push(...table(rows));
  lines.push('');

  lines.push('LOAD DELIVERED');
  const loadRows: string[][] = [['journey', 'scheduled', 'completed', 'dropped']];
  let scheduledTotal = 0;
  for (const [journey, scheduled] of Object.entries(context.scheduled)) {
    if (scheduled === 0) continue;
    scheduledTotal += scheduled;
    loadRows.push([
      journey,
      String(scheduled),
      num(data.metrics[`iterations{scenario:${journey}}`]?.values.count ?? 0, 0),
      num(data.metrics[`dropped_iterations{scenario:${journey}}`]?.values.count ?? 0, 0),
    ]);
  }
  loadRows.push([
    'total',
    String(scheduledTotal),
    num(data.metrics.iterations?.values.count ?? 0, 0),
    num(data.metrics.dropped_iterations?.values.count ?? 0, 0),
  ]);
  lines.push(...table(loadRows));
  const vusMax = data.metrics.vus_max?.values.value;
  if (vusMax !== undefined) lines.push(`  VUs allocated: ${vusMax}`);
  lines.push('');

  const checks = allChecks(data.root_group);
  const failedChecks = checks.filter((c) => c.fails > 0).length;
  lines.push(`CHECKS  ${checks.length - failedChecks} all passing, ${failedChecks} with failures`);
  for (const c of checks)
    lines.push(`  ${c.fails === 0 ? 'ok  ' : 'FAIL'}  ${c.name}  ${c.passes} passed, ${c.fails} failed`);
  lines.push('');

  lines.push('KIT METRICS');
  lines.push(`  aclue_rls_leaks       ${num(data.metrics.aclue_rls_leaks?.values.count ?? 0, 0)}`);
  lines.push(`  aclue_auth_failures   ${num(data.metrics.aclue_auth_failures?.values.count ?? 0, 0)}`);
  lines.push(`  aclue_clicks_created  ${num(data.metrics.aclue_clicks_created?.values.count ?? 0, 0)}`);
  lines.push(`  aclue_writes          ${num(data.metrics.aclue_writes?.values.count ?? 0, 0)}`);
  const db = data.metrics.aclue_db_time?.values;
  lines.push(
    `  aclue_db_time         ${db?.count ? `p50 ${ms(db.med)} ms, p95 ${ms(db['p(95)'])} ms over ${db.count} responses` : 'no Server-Timing db figures'}`,
  );
  const reqs = data.metrics.http_reqs?.values;
  const failedAll = data.metrics.http_req_failed?.values.rate;
  lines.push(
    `  requests              ${num(reqs?.count ?? 0, 0)} (${num(reqs?.rate ?? 0, 1)}/s), failed ${pct(failedAll)}`,
  );
  return `${lines.join('\n')}\n`;
}

// --- internal ---

/** The value a threshold expression compares, e.g. " (p(95)=212.3)". */
function observed(data: SummaryData, metric: string, expression: string): string {
  const stat = /^\s*([a-z]+(?:\([\d.]+\))?)\s*[<>=!]/.exec(expression)?.[1];
  const value = stat === undefined ? undefined : data.metrics[metric]?.values[stat];
  return value === undefined
    ? ''
    : `  (${stat}=${Number.isInteger(value) ? value : value.toFixed(stat === 'rate' ? 4 : 1)})`;
}

function ms(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(1);
}

function num(value: number | undefined, digits: number): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

function pct(rate: number | undefined): string {
  return rate === undefined ? '-' : `${(rate * 100).toFixed(2)}%`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows.map(
    (row) =>
      `  ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ')}`,
  );
}
