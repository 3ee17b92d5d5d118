/**
 * Checklist lines the kit answers with less than they claim ("99.9% database uptime" from one run's
 * failed requests, "Query execution times improved" from "nothing got 4x worse") say so in the
 * summary and beside the line in the report, whatever the gates' status.
 */
import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../verify/gate.ts';
import { readReportAssets } from '../../verify/report/assets.ts';
import { renderHtml } from '../../verify/report/html.ts';
import { buildSummary } from '../../verify/report/summary.ts';

const passing = (id: string): GateResult => ({
  id,
  title: id,
  level: 'error',
  status: 'pass',
  threshold: '',
  measured: '',
  evidence: { summary: 'passed' },
  checklist: [],
});

describe('checklist lines answered by a proxy', () => {
  const summary = buildSummary({
    runId: 'proxy-test',
    outDir: '/tmp/proxy-test',
    verdict: 'GO',
    results: ['availability', 'degradation', 'statement-regressions'].map(passing),
    load: undefined,
    baseline: undefined,
    generatedAt: '2026-01-01T00:00:00.000Z',
    reproducibility: { seedRunIds: [], loadRunDirs: [], criteria: {}, versions: {}, commands: [], database: 'none' },
  });
  const lines = new Map(summary.checklist.flatMap((s) => s.lines).map((l) => [l.text, l]));

  it.each([
    ['99.9% database uptime', /a proxy: fewer than 0\.1% of requests failed during one load run/],
    ['Query execution times improved', /a proxy: no endpoint and no top statement got 4x slower/],
  ])('"%s" passes as a proxy and says what it measured', (text, said) => {
    expect(lines.get(text)?.status).toBe('pass');
    expect(lines.get(text)?.proxy).toMatch(said);
    const html = renderHtml(summary, readReportAssets());
    const row = html.split('\n').find((l) => l.includes(`<td>${text}`));
    expect(row).toMatch(said);
  });

  it('a line measured as written carries no proxy note', () => {
    expect(lines.get('Zero authentication failures')?.proxy).toBeUndefined();
  });
});
