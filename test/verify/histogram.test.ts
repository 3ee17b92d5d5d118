/** The log-bucketed histogram: error bound, k6's percentile definition, exact merges, encoding. */
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../verify/k6/histogram.ts';

/** k6's TrendSink.P: rank p·(n−1) on the sorted samples, linear interpolation. */
function exactPercentile(sorted: readonly number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const low = sorted[Math.floor(rank)]!;
  const high = sorted[Math.ceil(rank)]!;
  return low + (high - low) * (rank - Math.floor(rank));
}

/** Deterministic log-normal-ish latencies (ms) from a small LCG. */
function samples(n: number, seed: number): number[] {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from(
    { length: n },
    () => (Math.round(Math.exp(1 + 3 * next() * next()) * 1e6) / 1e6) * (next() < 0.01 ? 40 : 1),
  );
}

describe('Histogram', () => {
  it('percentiles are within 0.1% of the exact ones', () => {
    const values = samples(50_000, 7);
    const h = new Histogram();
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = exactPercentile(sorted, p);
      expect(Math.abs(h.percentile(p)! - exact) / exact).toBeLessThan(0.001);
    }
    expect(h.min).toBe(sorted[0]);
    expect(h.max).toBe(sorted.at(-1));
    expect(h.count).toBe(values.length);
  });

  it('a merge equals recording the union', () => {
    const a = samples(10_000, 1);
    const b = samples(3_000, 2).map((v) => v * 5);
    const ha = new Histogram();
    const hb = new Histogram();
    const union = new Histogram();
    for (const v of a) {
      ha.record(v);
      union.record(v);
    }
    for (const v of b) {
      hb.record(v);
      union.record(v);
    }
    ha.add(hb);
    for (const p of [0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) expect(ha.percentile(p)).toBe(union.percentile(p));
    expect([ha.count, ha.min, ha.max]).toEqual([union.count, union.min, union.max]);
    expect(ha.sum).toBeCloseTo(union.sum, 6); // float addition order differs, nothing else
  });

  it('round-trips through its encoded form, also when empty', () => {
    const h = new Histogram();
    for (const v of samples(1000, 3)) h.record(v);
    const back = Histogram.decode(h.encode());
    expect(back.percentile(0.95)).toBe(h.percentile(0.95));
    expect(back.count).toBe(1000);
    const empty = Histogram.decode(new Histogram().encode());
    expect(empty.count).toBe(0);
    expect(empty.percentile(0.5)).toBeNull();
  });

  it('ignores values that are not durations and clamps absurd ones', () => {
    const h = new Histogram();
    h.record(Number.NaN);
    h.record(-1);
    expect(h.count).toBe(0);
    h.record(1e12);
    expect(h.percentile(0.5)).toBe(1e12); // clamped to the exact max
  });
});
