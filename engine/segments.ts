/**
 * Execution segments (`--execution-segment 1/4:2/4 --execution-segment-sequence 0,1/4,2/4,3/4,1`):
 * which of a scenario's iterations this instance runs, so N instances together run every scheduled
 * iteration exactly once and verify can merge their outputs.
 *
 * The rule: the sequence's points are all multiples of 1/L (L the least common denominator), so the
 * global iteration k falls in slot k mod L, and slot r belongs to the segment holding [r/L, (r+1)/L).
 * Each segment of width w thus owns exactly w·L of every L consecutive iterations; equal segments
 * take turns, iteration by iteration.
 */

export interface Segment {
  readonly from: Fraction;
  readonly to: Fraction;
  /** Slots per round (the sequence's common denominator) and the ones this segment owns. */
  readonly slots: number;
  readonly owned: ReadonlySet<number>;
  readonly label: string;
}

export interface Fraction {
  readonly n: number;
  readonly d: number;
}

/** The whole run: one instance owns everything. */
export const wholeRun: Segment = segmentOf({ n: 0, d: 1 }, { n: 1, d: 1 }, [
  { n: 0, d: 1 },
  { n: 1, d: 1 },
]);

export class SegmentError extends Error {}

/**
 * @example parseSegment('1/4:2/4', '0,1/4,2/4,3/4,1').owned // Set {1}
 */
export function parseSegment(segment: string, sequence?: string): Segment {
  const parts = segment.split(':');
  if (parts.length !== 2)
    throw new SegmentError(`--execution-segment: expected FROM:TO such as 1/4:2/4, got "${segment}"`);
  const from = fraction(parts[0]!, '--execution-segment');
  const to = fraction(parts[1]!, '--execution-segment');
  if (!(value(from) < value(to)) || value(from) < 0 || value(to) > 1) {
    throw new SegmentError(`--execution-segment: expected 0 <= FROM < TO <= 1, got "${segment}"`);
  }
  const points =
    sequence === undefined
      ? [{ n: 0, d: 1 }, from, to, { n: 1, d: 1 }].filter((p, i, all) => i === 0 || value(p) !== value(all[i - 1]!))
      : sequence.split(',').map((p) => fraction(p, '--execution-segment-sequence'));
  const values = points.map(value);
  if (values.some((v, i) => i > 0 && v <= values[i - 1]!) || values[0] !== 0 || values.at(-1) !== 1) {
    throw new SegmentError(`--execution-segment-sequence: expected increasing points from 0 to 1, got "${sequence}"`);
  }
  if (!values.includes(value(from)) || !values.includes(value(to))) {
    throw new SegmentError(`--execution-segment ${segment} is not one of the segments of the sequence "${sequence}"`);
  }
  return segmentOf(from, to, points);
}

/** Whether global iteration k belongs to this segment. */
export function owns(segment: Segment, k: number): boolean {
  return segment.owned.has(k % segment.slots);
}

/** This segment's share of the run, 0..1. */
export function share(segment: Segment): number {
  return value(segment.to) - value(segment.from);
}

/**
 * This segment's part of a whole number (VUs), so the instances' parts add up to it; at least 1, so
 * an instance that owns iterations has a VU to run them.
 */
export function scaleToSegment(whole: number, segment: Segment): number {
  if (share(segment) >= 1) return whole;
  return Math.max(1, Math.floor(whole * value(segment.to) + 1e-9) - Math.floor(whole * value(segment.from) + 1e-9));
}

// --- internal ---

function segmentOf(from: Fraction, to: Fraction, points: readonly Fraction[]): Segment {
  const slots = points.reduce((l, p) => lcm(l, p.d), 1);
  const owned = new Set<number>();
  const lo = (from.n * slots) / from.d;
  const hi = (to.n * slots) / to.d;
  for (let r = lo; r < hi; r++) owned.add(r);
  return { from, to, slots, owned, label: `${text(from)}:${text(to)}` };
}

function fraction(raw: string, flag: string): Fraction {
  const t = raw.trim();
  let m = /^(\d+)\/(\d+)$/.exec(t);
  if (m && Number(m[2]) > 0) return reduce(Number(m[1]), Number(m[2]));
  m = /^(\d+)$/.exec(t);
  if (m) return reduce(Number(m[1]), 1);
  // Decimals and percentages, as k6 also takes them: 0.25, 25%.
  m = /^(\d*\.\d+)$/.exec(t) ?? /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (m) {
    const v = t.endsWith('%') ? Number(m[1]) / 100 : Number(m[1]);
    return reduce(Math.round(v * 1e6), 1e6);
  }
  throw new SegmentError(`${flag}: expected a fraction such as 1/4, 0.25 or 25%, got "${raw}"`);
}

function reduce(n: number, d: number): Fraction {
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

function value(f: Fraction): number {
  return f.n / f.d;
}

function text(f: Fraction): string {
  return f.d === 1 ? String(f.n) : `${f.n}/${f.d}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
