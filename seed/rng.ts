/**
 * Keyed randomness: every random value of the seed comes from a stream keyed by
 * (run seed, entity, key, field), never from one shared sequence. Changing how many users are
 * generated, or adding a new field, therefore leaves every other stream (and row) unchanged.
 *
 * The hash is a 64-bit value kept as two 32-bit lanes (JavaScript bit operations are 32-bit; BigInt
 * would be an order of magnitude slower on the hot path). The PRNG is xoshiro128**, seeded through
 * splitmix32 from the hash. Both are small, fast and well studied; cryptographic quality is not needed.
 */

/** murmur3's 32-bit finaliser: full avalanche of one lane. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 64-bit hash of a string (two independent lanes), for entity and field names and the run seed. */
export function hashString(text: string): [number, number] {
  let a = 0x9e3779b9;
  let b = 0x7f4a7c15;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [fmix32(a ^ text.length), fmix32(b + Math.imul(a, 0x27d4eb2f))];
}

/** Folds one 32-bit word into a 64-bit state (two lanes). */
function absorb(hi: number, lo: number, word: number): [number, number] {
  const nlo = fmix32((lo ^ word) + 0x9e3779b9 + Math.imul(hi, 0x85ebca6b));
  const nhi = fmix32((hi ^ Math.imul(word, 0xcc9e2d51)) + Math.imul(nlo, 0x1b873593));
  return [nhi, nlo];
}

/** A uniform pseudo-random stream (xoshiro128**). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(hi: number, lo: number) {
    // splitmix32 expands 64 bits of key into 128 bits of state, never all zero.
    let s = (hi ^ 0x6a09e667) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s ^ lo;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** Next unsigned 32-bit value. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (enough for every use here). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Standard normal (Box–Muller; the second value is dropped so each call uses two draws). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with the given median and log-space standard deviation. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Gamma(shape, 1), Marsaglia–Tsang; used for Beta. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * (this.float() || 1e-12) ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = this.float();
      if (Math.log(u || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  beta(alpha: number, beta: number): number {
    const x = this.gamma(alpha);
    return x / (x + this.gamma(beta));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The keyed source of a run: `stream(entity, key, field)` returns the same stream for the same
 * arguments in every process, whatever else was generated before.
 */
export class Keyed {
  readonly seedHash: readonly [number, number];
  private readonly tags = new Map<string, [number, number]>();

  constructor(readonly runSeed: string) {
    this.seedHash = hashString(`aclue-kit/${runSeed}`);
  }

  private tag(name: string): [number, number] {
    let t = this.tags.get(name);
    if (!t) {
      t = hashString(name);
      this.tags.set(name, t);
    }
    return t;
  }

  /** 64-bit key hash of (run seed, entity, numeric key(s), field). Keys are non-negative integers < 2^53. */
  hash(entity: string, keys: readonly number[], field: string): [number, number] {
    const e = this.tag(entity);
    const f = this.tag(field);
    let [hi, lo] = absorb(this.seedHash[0], this.seedHash[1], e[0]);
    [hi, lo] = absorb(hi, lo, e[1]);
    for (const key of keys) {
      [hi, lo] = absorb(hi, lo, key >>> 0);
      [hi, lo] = absorb(hi, lo, Math.floor(key / 4294967296) >>> 0);
    }
    [hi, lo] = absorb(hi, lo, f[0]);
    return absorb(hi, lo, f[1]);
  }

  stream(entity: string, keys: readonly number[], field: string): Rng {
    const [hi, lo] = this.hash(entity, keys, field);
    return new Rng(hi, lo);
  }

  /** A 31-bit integer seed for faker, keyed the same way. */
  fakerSeed(entity: string, keys: readonly number[]): number {
    return this.hash(entity, keys, 'faker')[0] & 0x7fffffff;
  }
}
