import { describe, expect, it } from 'vitest';
import {
  allChecks,
  formatSummary,
  type SummaryData,
  summaryEndpoints,
  thresholdResults,
} from '../../scenarios/lib/summary-text.ts';

const trend = (p90: number, p95: number, thresholds?: Record<string, { ok: boolean }>) => ({
  type: 'trend' as const,
  contains: 'time',
  values: { avg: p90 / 2, min: 1, med: p90 / 2, max: p95 * 2, 'p(90)': p90, 'p(95)': p95, 'p(99)': p95 + 1, count: 10 },
  ...(thresholds ? { thresholds } : {}),
});

const data: SummaryData = {
  state: { testRunDurationMs: 12_345 },
  root_group: {
    name: '',
    groups: [{ name: 'inner', groups: [], checks: [{ name: 'nested check', passes: 2, fails: 1 }] }],
    checks: [{ name: 'swipe is stored with an id', passes: 30, fails: 0 }],
  },
  metrics: {
    'http_req_duration{name:swipe_create}': trend(12.5, 20.25, {
      'p(90)<100': { ok: true },
      'p(95)<200': { ok: true },
    }),
    'http_req_duration{name:rest_products}': trend(150, 250.5, {
      'p(90)<100': { ok: false },
      'p(95)<200': { ok: false },
    }),
    'http_reqs{name:swipe_create}': { type: 'counter', contains: 'default', values: { count: 30, rate: 3 } },
    'http_req_failed{name:swipe_create}': {
      type: 'rate',
      contains: 'default',
      values: { rate: 0, passes: 0, fails: 30 },
    },
    'iterations{scenario:swipingUser}': { type: 'counter', contains: 'default', values: { count: 5, rate: 0.5 } },
    iterations: { type: 'counter', contains: 'default', values: { count: 9, rate: 0.9 } },
    dropped_iterations: {
      type: 'counter',
      contains: 'default',
      values: { count: 1, rate: 0.1 },
      thresholds: { 'count<=0': { ok: false } },
    },
    aclue_rls_leaks: {
      type: 'counter',
      contains: 'default',
      values: { count: 0, rate: 0 },
      thresholds: { 'count<=0': { ok: true } },
    },
    aclue_clicks_created: { type: 'counter', contains: 'default', values: { count: 3, rate: 0.3 } },
    aclue_db_time: trend(2, 3),
  },
};

describe('text summary', () => {
  it('lists failed thresholds first with the observed value', () => {
    const results = thresholdResults(data);
    expect(results.slice(0, 3).every((r) => !r.ok)).toBe(true);
    const text = formatSummary(data, {
      profile: 'smoke',
      engine: 'k6',
      targetUrl: 'http://x',
      seedRunId: 'run-1',
      scheduled: { swipingUser: 5, rlsProbe: 0 },
    });
    expect(text).toContain('THRESHOLDS  3 passed, 3 failed');
    expect(text).toMatch(/FAIL {2}http_req_duration\{name:rest_products\} {2}p\(95\)<200 {2}\(p\(95\)=250\.5\)/);
    expect(text).toMatch(/FAIL {2}dropped_iterations {2}count<=0 {2}\(count=1\)/);
  });

  it('shows per-endpoint percentiles, delivered against scheduled, checks and the kit metrics', () => {
    const text = formatSummary(data, {
      profile: 'smoke',
      engine: 'k6',
      targetUrl: 'http://x',
      seedRunId: 'run-1',
      scheduled: { swipingUser: 5, rlsProbe: 0 },
    });
    expect(summaryEndpoints(data)).toEqual(['rest_products', 'swipe_create']);
    expect(text).toMatch(/swipe_create +30 +0\.00% +6\.3 +12\.5 +20\.3 +21\.3 +40\.5 +-/);
    expect(text).toMatch(/swipingUser +5 +5 +0/);
    expect(text).not.toMatch(/rlsProbe/);
    expect(text).toMatch(/total +5 +9 +1/);
    expect(allChecks(data.root_group)).toHaveLength(2);
    expect(text).toContain('FAIL  nested check  2 passed, 1 failed');
    expect(text).toContain('aclue_clicks_created  3');
    expect(text).toContain('12.3 s');
  });
});
