/**
 * A compact log-bucketed histogram in the HdrHistogram style: values (ms) are recorded as whole
 * microseconds into buckets whose width is at most 1/subBuckets of their value, so any percentile
 * is within 1/(2·subBuckets) of the recorded value (1024 sub-buckets: ≤ 0.05%). Memory is fixed by
 * the precision, never by the number of samples, and two histograms merge exactly by adding counts —
 * which is why percentiles of merged runs come from here and are never averaged.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Largest recordable value in microseconds (2^32 µs ≈ 71 minutes); longer samples are clamped. */
const MAX_MICROS = 2 ** 32 - 1;

export class Histogram {
  readonly subBucketBits: number;
  private readonly subBuckets: number;
  private readonly counts: Float64Array;
  count = 0;
  /** Exact extremes and sum in ms (the buckets only bound them). */
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;

  constructor(subBucketBits = 10) {
    if (subBucketBits < 4 || subBucketBits > 14) throw new RangeError(`subBucketBits ${subBucketBits} outside 4..14`);
    this.subBucketBits = subBucketBits;
    this.subBuckets = 1 << subBucketBits;
    // Row 0 holds values below subBuckets exactly; row r ≥ 1 uses its upper half for one power of two
    // in steps of 2^r µs. Rows up to 32 − bits cover every 32-bit microsecond value.
    this.counts = new Float64Array((33 - subBucketBits) * this.subBuckets);
  }

  /** Records one value in milliseconds. */
  record(ms: number, times = 1): void {
    if (!(ms >= 0)) return; // NaN and negatives are not durations
    this.counts[this.indexOf(ms)]! += times;
    this.count += times;
    this.sum += ms * times;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  private indexOf(ms: number): number {
    let micros = Math.round(ms * 1000);
    if (micros > MAX_MICROS) micros = MAX_MICROS;
    if (micros < this.subBuckets) return micros;
    const exponent = 31 - Math.clz32(micros); // floor(log2), ≥ subBucketBits
    const shift = exponent - this.subBucketBits + 1;
    // Row `shift` holds [2^exponent, 2^(exponent+1)) at sub-indexes subBuckets/2 .. subBuckets−1.
    return shift * this.subBuckets + (micros >>> shift);
  }

  /** The value (ms) a bucket stands for: its midpoint. */
  private valueOf(index: number): number {
    const row = Math.floor(index / this.subBuckets);
    const sub = index - row * this.subBuckets;
    if (row === 0) return sub / 1000;
    const low = sub * 2 ** row;
    return (low + (2 ** row - 1) / 2) / 1000;
  }

  add(other: Histogram): void {
    if (other.subBucketBits !== this.subBucketBits)
      throw new RangeError('cannot merge histograms of different precision');
    for (let i = 0; i < other.counts.length; i++) {
      const c = other.counts[i]!;
      if (c !== 0) this.counts[i]! += c;
    }
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /**
   * The percentile the way k6 computes it on its exact samples (rank p·(n−1), linear interpolation
   * between the two neighbouring samples), with each sample replaced by its bucket's value.
   * `p` is a fraction (0.95). Returns null when nothing was recorded.
   */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = p * (this.count - 1);
    const lowRank = Math.floor(rank);
    const low = this.valueAtRank(lowRank);
    const high = rank === lowRank ? low : this.valueAtRank(lowRank + 1);
    return low + (high - low) * (rank - lowRank);
  }

  /** The value of the sample at zero-based rank `rank`, clamped to the exact min and max. */
  private valueAtRank(rank: number): number {
    if (rank <= 0) return this.min;
    if (rank >= this.count - 1) return this.max;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen > rank) return Math.min(this.max, Math.max(this.min, this.valueOf(i)));
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** Sparse, deflated, base64 form for embedding in the report (recompute percentiles offline). */
  encode(): string {
    const pairs: number[] = [];
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! !== 0) pairs.push(i, this.counts[i]!);
    const body = JSON.stringify({
      b: this.subBucketBits,
      n: this.count,
      min: this.min,
      max: this.max,
      sum: this.sum,
      c: pairs,
    });
    return deflateRawSync(body).toString('base64');
  }

  static decode(encoded: string): Histogram {
    const body = JSON.parse(inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8')) as {
      b: number;
      n: number;
      min: number | null;
      max: number | null;
      sum: number;
      c: number[];
    };
    const h = new Histogram(body.b);
    for (let i = 0; i + 1 < body.c.length; i += 2) h.counts[body.c[i]!] = body.c[i + 1]!;
    h.count = body.n;
    h.sum = body.sum;
    // JSON turns ±Infinity (an empty histogram's extremes) into null.
    h.min = body.min ?? Number.POSITIVE_INFINITY;
    h.max = body.max ?? Number.NEGATIVE_INFINITY;
    return h;
  }
}
