/** Threshold expressions: k6's syntax and aggregations per type, and k6's verdicts, also on metrics without samples. */
import { describe, expect, it } from 'vitest';
import { type MetricSpec, Metrics, type ThresholdSpec } from '../../engine/metrics.ts';
import { evaluateThresholds, parseThreshold, parseThresholdSpec } from '../../engine/thresholds.ts';

const specs: MetricSpec[] = [
  { name: 'reqs', type: 'counter', contains: 'default' },
  { name: 'vus', type: 'gauge', contains: 'default' },
  { name: 'failed', type: 'rate', contains: 'default' },
  { name: 'duration', type: 'trend', contains: 'time' },
];

describe('parseThreshold', () => {
  it('reads every aggregation of each type, every operator, with or without spaces', () => {
    expect(parseThreshold('duration', 'trend', 'p(90)<100')).toEqual({
      expression: 'p(90)<100',
      aggregation: 'p',
      percentile: 90,
      operator: '<',
      value: 100,
    });
    expect(parseThreshold('duration', 'trend', '  p(99.99) >= 1.5e3 ')).toMatchObject({
      aggregation: 'p',
      percentile: 99.99,
      operator: '>=',
      value: 1500,
    });
    expect(parseThreshold('reqs', 'counter', 'count<=0')).toMatchObject({
      aggregation: 'count',
      operator: '<=',
      value: 0,
    });
    expect(parseThreshold('reqs', 'counter', 'rate > -2')).toMatchObject({
      aggregation: 'rate',
      operator: '>',
      value: -2,
    });
    expect(parseThreshold('failed', 'rate', 'rate>=0.999')).toMatchObject({
      aggregation: 'rate',
      operator: '>=',
      value: 0.999,
    });
    expect(parseThreshold('vus', 'gauge', 'value==3')).toMatchObject({
      aggregation: 'value',
      operator: '==',
      value: 3,
    });
    expect(parseThreshold('vus', 'gauge', 'value===3')).toMatchObject({ operator: '===' });
    expect(parseThreshold('vus', 'gauge', 'value != .5')).toMatchObject({ operator: '!=', value: 0.5 });
    for (const a of ['avg', 'min', 'max', 'med'])
      expect(parseThreshold('duration', 'trend', `${a}<1`).aggregation).toBe(a);
  });

  it('rejects aggregations of another metric type, naming metric, expression and what would fit', () => {
    expect(() => parseThreshold('failed', 'rate', 'count<1')).toThrow(
      'threshold "count<1" on failed: aggregation "count" does not apply; expected "<aggregation> <operator> <number>" with aggregation rate (rate metric)',
    );
    expect(() => parseThreshold('reqs', 'counter', 'p(95)<1')).toThrow(
      /aggregation "p\(95\)" does not apply.*count, rate \(counter metric\)/,
    );
    expect(() => parseThreshold('duration', 'trend', 'rate<1')).toThrow(/avg, min, max, med, p\(N\) \(trend metric\)/);
    expect(() => parseThreshold('vus', 'gauge', 'avg<1')).toThrow(/on vus/);
  });

  it('rejects malformed expressions', () => {
    const bad: [string, RegExp][] = [
      ['p(90)', /not of the form/],
      ['p(90) = 100', /not of the form/],
      ['p (90)<100', /not of the form/],
      ['p(90)<', /right-hand side "" is not a number/],
      ['p(90)<abc', /right-hand side "abc"/],
      ['p(90)<1 2', /right-hand side "1 2"/],
      ['p(101)<1', /percentile "101" is not a number from 0 to 100/],
      ['p(x)<1', /percentile "x"/],
      ['p<1', /p needs a percentile/],
      ['avg(5)<1', /"avg" takes no argument/],
      ['', /not of the form/],
    ];
    for (const [expression, why] of bad)
      expect(() => parseThreshold('duration', 'trend', expression), expression).toThrow(why);
  });

  it('reads the object form, with abortOnFail and delayAbortEval as k6 durations', () => {
    expect(parseThresholdSpec('reqs', 'counter', { threshold: 'count<=0', abortOnFail: true })).toMatchObject({
      abortOnFail: true,
      delayAbortEvalSeconds: 0,
    });
    expect(
      parseThresholdSpec('reqs', 'counter', { threshold: 'count<=0', abortOnFail: true, delayAbortEval: '1m30s' })
        .delayAbortEvalSeconds,
    ).toBe(90);
    expect(
      parseThresholdSpec('reqs', 'counter', { threshold: 'count<=0', abortOnFail: false, delayAbortEval: '500ms' })
        .delayAbortEvalSeconds,
    ).toBe(0.5);
    expect(() =>
      parseThresholdSpec('reqs', 'counter', { threshold: 'count<=0', abortOnFail: true, delayAbortEval: '10 s' }),
    ).toThrow(/delayAbortEval "10 s" is not a duration/);
  });
});

describe('evaluateThresholds', () => {
  const judge = (
    thresholds: Record<string, ThresholdSpec[]>,
    fill: (m: Metrics) => void,
    durationSeconds = 10,
    duringRun = false,
  ) => {
    const m = new Metrics({ specs, thresholds });
    fill(m);
    return evaluateThresholds(m, thresholds, durationSeconds, { duringRun }).map(
      (r) => `${r.metric} ${r.expression} ${r.ok ? 'ok' : 'FAIL'}`,
    );
  };

  it('compares each aggregation with each operator', () => {
    const fill = (m: Metrics) => {
      for (const v of [10, 20, 30, 40, 50]) m.add('duration', v, { name: v > 25 ? 'slow' : 'fast' });
      m.add('reqs', 5, {});
      m.add('vus', 3, {});
      m.add('failed', 1, {});
      m.add('failed', 0, {});
    };
    expect(
      judge(
        {
          duration: ['avg==30', 'min>10', 'max<=50', 'med===30', 'p(90)<46', 'p(90)<=46', 'p(25)!=20'],
          'duration{name:fast}': ['max<20'],
          reqs: ['count>=5', 'rate<0.5', 'rate<=0.5'],
          vus: ['value>3'],
          failed: ['rate==0.5'],
        },
        fill,
      ),
    ).toEqual([
      'duration avg==30 ok',
      'duration min>10 FAIL',
      'duration max<=50 ok',
      'duration med===30 ok',
      'duration p(90)<46 FAIL',
      'duration p(90)<=46 ok',
      'duration p(25)!=20 FAIL',
      'duration{name:fast} max<20 FAIL',
      'reqs count>=5 ok',
      'reqs rate<0.5 FAIL',
      'reqs rate<=0.5 ok',
      'vus value>3 FAIL',
      'failed rate==0.5 ok',
    ]);
  });

  it('judges metrics without samples as k6 does at the end of a run', () => {
    const thresholds = {
      failed: ['rate>0.99', 'rate<0.01'], // no rate without samples: both pass
      reqs: ['count<=0', 'count>0', 'rate>1'], // count is 0
      duration: ['p(95)<200', 'p(95)>0', 'avg>=0'], // every trend value is 0
      vus: ['value>0'], // value is 0
    };
    expect(judge(thresholds, () => undefined)).toEqual([
      'failed rate>0.99 ok',
      'failed rate<0.01 ok',
      'reqs count<=0 ok',
      'reqs count>0 FAIL',
      'reqs rate>1 FAIL',
      'duration p(95)<200 ok',
      'duration p(95)>0 FAIL',
      'duration avg>=0 ok',
      'vus value>0 FAIL',
    ]);
    // A counter rate over no time at all does not exist either.
    expect(judge({ reqs: ['rate>1'] }, () => undefined, 0)).toEqual(['reqs rate>1 ok']);
  });

  it('skips metrics without samples during the run, so they cannot abort it', () => {
    const thresholds = { reqs: ['count>0'], duration: ['p(95)>0'] };
    expect(judge(thresholds, () => undefined, 10, true)).toEqual(['reqs count>0 ok', 'duration p(95)>0 ok']);
    expect(judge(thresholds, (m) => m.add('duration', 0, {}), 10, true)).toEqual([
      'reqs count>0 ok',
      'duration p(95)>0 FAIL',
    ]);
  });

  it('reports abortOnFail and the abort delay of each expression', () => {
    const thresholds = { reqs: [{ threshold: 'count<=0', abortOnFail: true, delayAbortEval: '10s' }, 'count<5'] };
    const m = new Metrics({ specs, thresholds });
    m.add('reqs', 1, {});
    expect(evaluateThresholds(m, thresholds, 1)).toEqual([
      { metric: 'reqs', expression: 'count<=0', ok: false, abortOnFail: true, delayAbortEvalSeconds: 10 },
      { metric: 'reqs', expression: 'count<5', ok: true, abortOnFail: false, delayAbortEvalSeconds: 0 },
    ]);
  });

  it('refuses thresholds the Metrics were not built with', () => {
    const m = new Metrics({ specs, thresholds: {} });
    expect(() => evaluateThresholds(m, { 'reqs{name:a}': ['count<1'] }, 1)).toThrow(
      /"reqs\{name:a\}" is not declared in these Metrics/,
    );
  });
});
