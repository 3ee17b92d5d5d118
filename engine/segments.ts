/**
 * Execution segments (`--execution-segment 1/4:2/4 --execution-segment-sequence 0,1/4,2/4,3/4,1`):
 * which part of a scenario this instance runs, with k6's arithmetic, so N instances together run
 * every scheduled iteration exactly once, each instance the same share k6 would give it.
 *
 * Striping: the sequence's points are multiples of 1/L (L their least common denominator), so a
 * part of width s/L owns s of every L consecutive indices. Which ones: positions 0..L-1 are handed
 * out in order, each to the first part, largest first (sequence order among equals), that is due
 * for it; a part of size s that holds t positions is due at position i once i·s ≥ t·L. Equal parts
 * thus take turns, and a large part is spread evenly between the small ones.
 *
 * Counts (VUs) follow the same stripes: of N VUs, a part gets those of 0..N-1 it owns (50 VUs over
 * thirds: 17/17/16; 1 VU: 1/0/0). Arrival-rate scenarios are re-striped by each part's share of
 * maxVUs, so an instance's arrivals follow the VUs it has, and a part with no VU has no work.
 */

export interface Fraction {
  readonly n: number;
  readonly d: number;
}

/** Which indices a part owns: index k when `mask[k mod lcd]`; `owned` lists those positions in order. */
export interface Stripes {
  readonly lcd: number;
  readonly owned: readonly number[];
  readonly mask: Uint8Array;
}

export interface Segment {
  readonly from: Fraction;
  readonly to: Fraction;
  /** The whole sequence, completed with 0 and 1; the segment is one of its parts. */
  readonly sequence: readonly Fraction[];
  /** This segment's part of every index (iteration, VU) under its sequence. */
  readonly stripes: Stripes;
  /** k6's spelling, e.g. `1/2:3/4`. */
  readonly label: string;
}

export class SegmentError extends Error {}

const ZERO: Fraction = { n: 0, d: 1 };
const ONE: Fraction = { n: 1, d: 1 };
/** Above this common denominator the stripes (one byte per position) stop being cheap; no real split needs it. */
const MAX_LCD = 10_000_000;

/** The whole run: one instance owns everything. */
export const wholeRun: Segment = segmentOf(ZERO, ONE, [ZERO, ONE]);

/**
 * Reads `--execution-segment` and `--execution-segment-sequence` as k6 does: `A:B` or `B` alone
 * (= `0:B`), each a fraction (`1/4`), a decimal (`0.25`) or a whole percentage (`25%`); a sequence
 * missing its 0 or its 1 is completed; without a sequence, it is `0,A,B,1`.
 * @example parseSegment('75%').label // '0:3/4'
 */
export function parseSegment(segment: string, sequence?: string): Segment {
  const parts = segment.split(':');
  if (parts.length > 2)
    throw new SegmentError(`--execution-segment: expected FROM:TO or TO, such as 1/4:2/4 or 25%, got "${segment}"`);
  const [from, to] =
    parts.length === 1
      ? [ZERO, fraction(parts[0]!, '--execution-segment')]
      : [fraction(parts[0]!, '--execution-segment'), fraction(parts[1]!, '--execution-segment')];
  if (!(less(from, to) && !less(ONE, to))) {
    throw new SegmentError(
      `--execution-segment: expected 0 <= FROM < TO <= 1, got "${segment}" (${text(from)} to ${text(to)})`,
    );
  }
  const points =
    sequence === undefined
      ? [ZERO, from, to, ONE]
      : sequence.split(',').map((p) => fraction(p, '--execution-segment-sequence'));
  const full = complete(points, sequence);
  const index = full.findIndex((p, i) => i + 1 < full.length && same(p, from) && same(full[i + 1]!, to));
  if (index < 0) {
    throw new SegmentError(
      `--execution-segment ${text(from)}:${text(to)} is not one of the segments of the sequence "${full.map(text).join(',')}"; give two neighbouring points of it`,
    );
  }
  return segmentOf(from, to, full);
}

/** Whether index k (a global iteration number) belongs to these stripes. */
export function owns(stripes: Stripes, k: number): boolean {
  return stripes.mask[k % stripes.lcd] === 1;
}

/** The i-th index (from 0) these stripes own. */
export function ownedIndex(stripes: Stripes, i: number): number {
  const per = stripes.owned.length;
  return Math.floor(i / per) * stripes.lcd + stripes.owned[i % per]!;
}

/**
 * This segment's part of a whole number (VUs): how many of 0..whole-1 it owns. The parts of a
 * sequence add up to the whole; a part can get 0.
 * @example scaleCount(50, parseSegment('2/3:1', '0,1/3,2/3,1')) // 16
 */
export function scaleCount(whole: number, segment: Segment): number {
  return countBelow(segment.stripes, whole);
}

/**
 * The stripes of an arrival-rate scenario with `maxVUs` VUs at most: the sequence re-split by each
 * part's VUs, so this instance's share of the arrivals is its share of maxVUs. Undefined when this
 * segment gets no VU: it has no work in the scenario.
 */
export function arrivalStripes(segment: Segment, maxVUs: number): Stripes | undefined {
  if (scaleCount(maxVUs, segment) === 0) return undefined;
  if (segment.sequence.length === 2) return segment.stripes;
  const sizes = parts(segment.sequence).map((_, i) => countBelow(stripesOf(segment.sequence, i), maxVUs));
  const index = parts(segment.sequence).findIndex((p) => same(p.from, segment.from));
  const g = sizes.reduce(gcd, maxVUs);
  return stripe(
    sizes.map((s) => s / g),
    maxVUs / g,
    index,
  );
}

// --- internal ---

function segmentOf(from: Fraction, to: Fraction, sequence: readonly Fraction[]): Segment {
  const index = sequence.findIndex((p) => same(p, from));
  return { from, to, sequence, stripes: stripesOf(sequence, index), label: `${text(from)}:${text(to)}` };
}

/** The stripes of the sequence's part `index` (from its point `index` to the next). */
function stripesOf(sequence: readonly Fraction[], index: number): Stripes {
  const lcd = sequence.reduce((l, p) => lcm(l, p.d), 1);
  if (lcd > MAX_LCD) {
    throw new SegmentError(
      `--execution-segment-sequence "${sequence.map(text).join(',')}": its points need a common denominator of ${lcd}, over ${MAX_LCD}; use simpler fractions such as 1/3 rather than 0.3333333`,
    );
  }
  const sizes = parts(sequence).map((p) => (p.to.n * lcd) / p.to.d - (p.from.n * lcd) / p.from.d);
  return stripe(sizes, lcd, index);
}

/** Hands out positions 0..lcd-1 among parts of the given sizes (summing to lcd); the stripes of part `index`. */
function stripe(sizes: readonly number[], lcd: number, index: number): Stripes {
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]!); // stable: sequence order among equals
  const taken = new Array<number>(sizes.length).fill(0);
  const mask = new Uint8Array(lcd);
  const owned: number[] = [];
  for (let position = 0; position < lcd; position++) {
    const part = order.find((p) => sizes[p]! > 0 && position * sizes[p]! >= taken[p]! * lcd);
    if (part === undefined) continue;
    taken[part]!++;
    if (part === index) {
      mask[position] = 1;
      owned.push(position);
    }
  }
  return { lcd, owned, mask };
}

/** How many of 0..n-1 the stripes own. */
function countBelow(stripes: Stripes, n: number): number {
  const rest = n % stripes.lcd;
  let partial = 0;
  for (const position of stripes.owned) if (position < rest) partial++;
  return Math.floor(n / stripes.lcd) * stripes.owned.length + partial;
}

function parts(sequence: readonly Fraction[]): { from: Fraction; to: Fraction }[] {
  return sequence.slice(1).map((to, i) => ({ from: sequence[i]!, to }));
}

/** The sequence with 0 and 1 added where missing; strictly increasing inside [0, 1], else refused. */
function complete(points: readonly Fraction[], raw: string | undefined): Fraction[] {
  const unique = raw === undefined ? points.filter((p, i) => i === 0 || !same(p, points[i - 1]!)) : points;
  const full = [...(same(unique[0]!, ZERO) ? [] : [ZERO]), ...unique, ...(same(unique.at(-1)!, ONE) ? [] : [ONE])];
  if (full.some((p, i) => i > 0 && !less(full[i - 1]!, p)) || less(ONE, full.at(-1)!)) {
    throw new SegmentError(
      `--execution-segment-sequence: expected increasing points from 0 to 1 such as 0,1/3,2/3,1, got "${raw}"`,
    );
  }
  return full;
}

/** A point: `1/4`, `0.25`, `.25`, `1`, or a whole percentage `25%` (k6 refuses `33.3%`). */
function fraction(raw: string, flag: string): Fraction {
  const t = raw.trim();
  let m = /^(\d+)\/(\d+)$/.exec(t);
  if (m && Number(m[2]) > 0) return reduce(Number(m[1]), Number(m[2]));
  m = /^(\d+)%$/.exec(t);
  if (m) return reduce(Number(m[1]), 100);
  m = /^(\d*)(?:\.(\d+))?$/.exec(t);
  if (m && t !== '' && t !== '.' && (m[2] ?? '').length <= 9) {
    const decimals = m[2] ?? '';
    return reduce(Number(`${m[1] || '0'}${decimals}`), 10 ** decimals.length);
  }
  throw new SegmentError(
    `${flag}: expected a fraction such as 1/4, a decimal such as 0.25 or a whole percentage such as 25%, got "${raw}"`,
  );
}

function reduce(n: number, d: number): Fraction {
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

function less(a: Fraction, b: Fraction): boolean {
  return a.n * b.d < b.n * a.d;
}

function same(a: Fraction, b: Fraction): boolean {
  return a.n === b.n && a.d === b.d;
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
