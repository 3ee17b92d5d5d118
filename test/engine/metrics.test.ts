/** Metrics: k6's four aggregates, exact trend percentiles, and submetrics selected by one or more tags. */
import { describe, expect, it } from 'vitest';
import { builtinMetrics, type MetricSpec, Metrics, type TrendAggregate } from '../../engine/metrics.ts';

const specs: MetricSpec[] = [
  { name: 'reqs', type: 'counter', contains: 'default' },
  { name: 'vus', type: 'gauge', contains: 'default' },
  { name: 'failed', type: 'rate', contains: 'default' },
  { name: 'duration', type: 'trend', contains: 'time' },
];

/** k6's definition, written out naively: sort a copy, interpolate at rank p/100·(n−1). */
function referencePercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** A deterministic generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('Metrics aggregates', () => {
  it('counts counters, keeps gauge last/min/max, and splits rates into passes and fails', () => {
    const m = new Metrics({ specs, thresholds: {} });
    m.add('reqs', 1, {});
    m.add('reqs', 2.5, {});
    for (const v of [5, 9, 2, 4]) m.add('vus', v, {});
    for (const v of [1, 0, 0.5, 0, 1]) m.add('failed', v, {});
    expect(m.aggregate('reqs')).toMatchObject({ type: 'counter', count: 3.5, samples: 2 });
    expect(m.aggregate('vus')).toMatchObject({ type: 'gauge', value: 4, min: 2, max: 9 });
    expect(m.aggregate('failed')).toMatchObject({ type: 'rate', passes: 3, fails: 2, rate: 0.6 });
  });

  it('gives k6 zeros before any sample', () => {
    const m = new Metrics({ specs, thresholds: {} });
    expect(m.aggregate('vus')).toMatchObject({ value: 0, min: 0, max: 0, samples: 0 });
    expect(m.aggregate('failed')).toMatchObject({ rate: 0, passes: 0, fails: 0 });
    const t = m.aggregate('duration') as TrendAggregate;
    expect([t.count, t.avg, t.min, t.max, t.med, t.percentile(99)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('interpolates trend percentiles exactly like a brute-force reference, across growth and re-sorting', () => {
    const next = random(7);
    const m = new Metrics({ specs, thresholds: {} });
    const values: number[] = [];
    const trend = m.aggregate('duration') as TrendAggregate;
    const ps = [0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100];
    for (const size of [1, 2, 3, 17, 1000, 5003]) {
      while (values.length < size) {
        // Duplicates and a wide range, as latencies have.
        const v = next() < 0.1 ? 5 : Math.round(next() * 1e6) / 1e3;
        values.push(v);
        m.add('duration', v, {});
      }
      for (const p of ps) expect(trend.percentile(p), `p(${p}) of ${size}`).toBe(referencePercentile(values, p));
      expect(trend.med).toBe(referencePercentile(values, 50));
      expect(trend.count).toBe(size);
      expect(trend.min).toBe(Math.min(...values));
      expect(trend.max).toBe(Math.max(...values));
      expect(trend.avg).toBe(values.reduce((a, b) => a + b, 0) / size);
    }
  });

  it('rejects unknown metrics and non-finite values, naming them', () => {
    const m = new Metrics({ specs, thresholds: {} });
    expect(() => m.add('nope', 1, {})).toThrow(/unknown metric "nope"/);
    expect(() => m.add('duration', Number.NaN, {})).toThrow(/"duration".*NaN.*not a finite number/);
    expect(m.aggregate('nope')).toBeUndefined();
    expect(() => new Metrics({ specs: [...specs, specs[0]!], thresholds: {} })).toThrow(/"reqs" is declared twice/);
  });
});

describe('Metrics submetrics', () => {
  it('adds a sample to every submetric whose one tag matches', () => {
    const m = new Metrics({
      specs,
      thresholds: { 'duration{name:a}': [], 'duration{name:b}': ['p(95)<100'], 'duration{status:200}': [] },
    });
    m.add('duration', 10, { name: 'a', status: '200' });
    m.add('duration', 20, { name: 'b', status: '500' });
    m.add('duration', 30, { name: 'c', status: '200' });
    m.add('duration', 40, { status: '200' });
    expect((m.aggregate('duration{name:a}') as TrendAggregate).count).toBe(1);
    expect((m.aggregate('duration{name:b}') as TrendAggregate).max).toBe(20);
    expect((m.aggregate('duration{status:200}') as TrendAggregate).avg).toBeCloseTo(80 / 3, 12);
    expect((m.aggregate('duration') as TrendAggregate).count).toBe(4);
  });

  it('ANDs two tags, whichever tag the index finds first', () => {
    const m = new Metrics({
      specs,
      thresholds: { 'reqs{name:a,status:200}': [], 'reqs{ status : "500" , name:a }': [], 'reqs{name:a}': [] },
    });
    m.add('reqs', 1, { name: 'a', status: '200' });
    m.add('reqs', 1, { name: 'a', status: '500' });
    m.add('reqs', 1, { name: 'a', status: '500', extra: 'x' });
    m.add('reqs', 1, { name: 'b', status: '200' });
    m.add('reqs', 1, { name: 'a' });
    expect(m.aggregate('reqs{name:a,status:200}')).toMatchObject({ count: 1 });
    expect(m.aggregate('reqs{ status : "500" , name:a }')).toMatchObject({ count: 2 });
    expect(m.aggregate('reqs{name:a}')).toMatchObject({ count: 4 });
    expect(m.aggregate('reqs')).toMatchObject({ count: 5 });
  });

  it('matches an empty tag value only to a tag that is present and empty', () => {
    const m = new Metrics({ specs, thresholds: { 'reqs{group:}': [] } });
    m.add('reqs', 1, { group: '' });
    m.add('reqs', 1, {});
    m.add('reqs', 1, { group: '::setup' });
    expect(m.aggregate('reqs{group:}')).toMatchObject({ count: 1 });
  });

  it('rejects threshold keys on unknown metrics and malformed keys, as k6 does', () => {
    expect(() => new Metrics({ specs, thresholds: { 'nope{name:a}': [] } })).toThrow(
      /"nope\{name:a\}" names metric "nope", which is not declared; declared metrics: reqs, vus/,
    );
    expect(() => new Metrics({ specs, thresholds: { 'reqs{name:a': [] } })).toThrow(/"reqs\{name:a" is malformed/);
    expect(() => new Metrics({ specs, thresholds: { 'reqs{name:a}x': [] } })).toThrow(/malformed/);
    expect(() => new Metrics({ specs, thresholds: { 'reqs{}': [] } })).toThrow(/selects no tags/);
    expect(() => new Metrics({ specs, thresholds: { 'reqs{name}': [] } })).toThrow(
      /"reqs\{name\}" has a tag "name" without a colon; expected tag:value pairs/,
    );
    expect(() => new Metrics({ specs, thresholds: { 'reqs{name:foo,}': [] } })).toThrow(
      /"reqs\{name:foo,\}" has an empty tag \(a comma with nothing after it\)/,
    );
    expect(() => new Metrics({ specs, thresholds: { reqs: ['p(95)<1'] } })).toThrow(/threshold "p\(95\)<1" on reqs/);
  });

  it('takes each spelling of a tag set as a submetric of its own, as k6 does', () => {
    const durations = [...specs, { name: 'http_req_duration', type: 'trend', contains: 'time' } as const];
    const m = new Metrics({
      specs: durations,
      thresholds: {
        'http_req_duration{expected_response: true}': ['p(95)<200'],
        'reqs{a:1,b:2}': [],
        'reqs{b:2,a:1}': [],
      },
    });
    m.add('http_req_duration', 12, { expected_response: 'true' });
    m.add('reqs', 1, { a: '1', b: '2' });
    expect(m.aggregate('http_req_duration{expected_response: true}')).toMatchObject({ count: 1 });
    expect(m.aggregate('http_req_duration{expected_response:true}')).toMatchObject({ count: 1 });
    expect([m.aggregate('reqs{a:1,b:2}'), m.aggregate('reqs{b:2,a:1}')]).toMatchObject([{ count: 1 }, { count: 1 }]);
  });

  it('lists keys with samples or thresholds, in spec order, each metric before its submetrics', () => {
    const m = new Metrics({ specs, thresholds: { 'failed{name:x}': [], vus: ['value<10'], 'duration{name:y}': [] } });
    expect(m.keys()).toEqual(['vus', 'failed', 'failed{name:x}', 'duration', 'duration{name:y}']);
    m.add('reqs', 1, { name: 'y' });
    m.add('duration', 1, { name: 'z' });
    expect(m.keys()).toEqual(['reqs', 'vus', 'failed', 'failed{name:x}', 'duration', 'duration{name:y}']);
  });

  it("declares k6's http_req_duration{expected_response:true} itself, listed once it has samples", () => {
    const m = new Metrics({ specs: builtinMetrics, thresholds: {} });
    expect(m.keys()).toEqual([]);
    m.add('http_req_duration', 5, { expected_response: 'false' });
    expect(m.keys()).toEqual(['http_req_duration']);
    m.add('http_req_duration', 7, { expected_response: 'true' });
    expect(m.keys()).toEqual(['http_req_duration', 'http_req_duration{expected_response:true}']);
    expect((m.aggregate('http_req_duration{expected_response:true}') as TrendAggregate).avg).toBe(7);
    expect(m.spec('http_req_duration{expected_response:true}')).toEqual({
      name: 'http_req_duration',
      type: 'trend',
      contains: 'time',
    });
    expect(m.spec('http_req_duration{name:undeclared}')).toBeUndefined();
  });
});
