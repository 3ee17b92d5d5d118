/**
 * summaryData against the handleSummary data k6 v2.2.0 produced for the same recorded run: the
 * samples of its raw output (setup included, as in k6's summary) are replayed through Metrics.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../engine/metrics.ts';
import { type SummaryObject, summaryData } from '../../engine/summary-data.ts';
import { FIXTURE_RAW, fixtureSummary, fixtureThresholds, readRaw, replay } from './replay.ts';

let k6: SummaryObject;
let ours: SummaryObject;

beforeAll(async () => {
  k6 = fixtureSummary();
  const raw = await readRaw(FIXTURE_RAW);
  const thresholds = fixtureThresholds(raw, k6);
  const metrics = replay(raw, thresholds);
  // The checks as the executor counts them: per name, in the order first run.
  const checks = new Map<string, { name: string; passes: number; fails: number }>();
  for (const p of raw.points) {
    if (p.metric !== 'checks') continue;
    const name = p.data.tags.check as string;
    const check = checks.get(name) ?? { name, passes: 0, fails: 0 };
    checks.set(name, check);
    if (p.data.value !== 0) check.passes += 1;
    else check.fails += 1;
  }
  ours = summaryData({
    metrics,
    thresholds,
    trendStats: k6.options.summaryTrendStats,
    durationMs: k6.state.testRunDurationMs,
    setupData: k6.setup_data,
    checks: [...checks.values()],
    isStdOutTTY: false,
    isStdErrTTY: false,
  });
});

const close = (actual: number, expected: number, relative: number) =>
  Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), 1e-12);

describe('summaryData', () => {
  it('has the top-level shape of k6 handleSummary data', () => {
    expect(Object.keys(ours).sort()).toEqual(Object.keys(k6).sort());
    expect(ours.options).toEqual(k6.options);
    expect(ours.state).toEqual(k6.state);
    expect(ours.setup_data).toEqual(k6.setup_data);
    const { checks: ourChecks, ...ourGroup } = ours.root_group;
    const { checks: theirChecks, ...theirGroup } = k6.root_group;
    expect(ourGroup).toEqual(theirGroup);
    const byName = <T extends { name: string }>(list: readonly T[]) =>
      [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(byName(ourChecks)).toEqual(byName(theirChecks));
  });

  it('has the same metric keys, including declared submetrics without samples', () => {
    expect(Object.keys(ours.metrics).sort()).toEqual(Object.keys(k6.metrics).sort());
    expect(ours.metrics['dropped_iterations{scenario:rlsProbe}']).toEqual(
      k6.metrics['dropped_iterations{scenario:rlsProbe}'],
    );
    expect(ours.metrics['aclue_rls_leaks']).toEqual(k6.metrics['aclue_rls_leaks']);
  });

  it('has per metric the same type, contains, values keys, thresholds and counts', () => {
    for (const [key, theirs] of Object.entries(k6.metrics)) {
      const mine = ours.metrics[key]!;
      expect({ type: mine.type, contains: mine.contains }, key).toEqual({
        type: theirs.type,
        contains: theirs.contains,
      });
      expect(Object.keys(mine.values).sort(), key).toEqual(Object.keys(theirs.values).sort());
      expect(mine.thresholds, key).toEqual(theirs.thresholds);
      for (const exact of ['count', 'passes', 'fails', 'value', 'min', 'max']) {
        if (theirs.type !== 'trend' && exact in theirs.values)
          expect(mine.values[exact], `${key} ${exact}`).toBe(theirs.values[exact]);
      }
    }
    expect(ours.metrics['http_reqs']!.values['count']).toBe(3022);
    expect(ours.metrics['checks']!.values['passes']).toBe(3098);
  });

  it('computes trend statistics and counter rates as k6 did from the same samples', () => {
    let trends = 0;
    for (const [key, theirs] of Object.entries(k6.metrics)) {
      const mine = ours.metrics[key]!;
      if (theirs.type === 'trend') trends += 1;
      if (theirs.type !== 'trend' && theirs.type !== 'counter') continue;
      for (const [stat, expected] of Object.entries(theirs.values)) {
        expect(
          close(mine.values[stat]!, expected, 1e-12),
          `${key} ${stat}: ${mine.values[stat]} vs k6 ${expected}`,
        ).toBe(true);
      }
    }
    expect(trends).toBeGreaterThan(20);
  });

  it('judges thresholds with the run time and writes each expression as given', () => {
    const metrics = new Metrics({
      specs: [{ name: 'c', type: 'counter', contains: 'default' }],
      thresholds: { c: ['rate>1', 'count >= 2'], 'c{tag:x}': [] },
    });
    metrics.add('c', 3, { tag: 'x' });
    const data = (durationMs: number) =>
      summaryData({
        metrics,
        thresholds: { c: ['rate>1', 'count >= 2'], 'c{tag:x}': [] },
        trendStats: ['avg'],
        durationMs,
        setupData: undefined,
        checks: [],
        isStdOutTTY: true,
        isStdErrTTY: false,
      });
    expect(data(1000).metrics['c']).toEqual({
      type: 'counter',
      contains: 'default',
      values: { count: 3, rate: 3 },
      thresholds: { 'rate>1': { ok: true }, 'count >= 2': { ok: true } },
    });
    expect(data(6000).metrics['c']!.thresholds).toEqual({ 'rate>1': { ok: false }, 'count >= 2': { ok: true } });
    expect(data(1000).metrics['c{tag:x}']).toEqual({
      type: 'counter',
      contains: 'default',
      values: { count: 3, rate: 3 },
    });
    expect(data(1000).state).toEqual({ isStdOutTTY: true, isStdErrTTY: false, testRunDurationMs: 1000 });
  });

  it('gives empty trends zeros for every stat, and rejects an unknown trend stat', () => {
    const metrics = new Metrics({
      specs: [{ name: 't', type: 'trend', contains: 'time' }],
      thresholds: { 't{name:a}': [] },
    });
    const input = {
      metrics,
      thresholds: { 't{name:a}': [] },
      durationMs: 10,
      setupData: null,
      checks: [],
      isStdOutTTY: false,
      isStdErrTTY: false,
    };
    expect(summaryData({ ...input, trendStats: ['avg', 'p(99.9)', 'count'] }).metrics['t{name:a}']!.values).toEqual({
      avg: 0,
      'p(99.9)': 0,
      count: 0,
    });
    expect(() => summaryData({ ...input, trendStats: ['p(101)'] })).toThrow(/trend stat "p\(101\)" is unknown/);
    expect(() => summaryData({ ...input, trendStats: ['mean'] })).toThrow(/"mean"/);
  });
});
