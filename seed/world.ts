/**
 * The planted world of a run: the catalogue (products, their category and Zipf popularity) and
 * each user's identity and tastes. Everything is a pure function of (run seed, parameters, index),
 * so the same user index gives the same user whatever the user count.
 */
import { faker } from '@faker-js/faker/locale/en';
import {
  type Archetype,
  archetypes,
  behaviour,
  type CategorySlug,
  categorySlugs,
  type Tier,
} from '../model/behaviour.ts';
import { Keyed, type Rng } from './rng.ts';
import { type Uuid, uuid7 } from './uuid.ts';

export interface SeedParams {
  readonly seed: string;
  readonly scale: number;
  readonly users: number;
  readonly products: number;
}

export interface Category {
  readonly slug: CategorySlug;
  readonly id: Uuid;
}

export interface Product {
  readonly index: number;
  readonly id: Uuid;
  readonly categoryIndex: number;
  /** 1 = most popular. */
  readonly rank: number;
  readonly weight: number;
  readonly priceCents: number;
  /** In units of 10^-4. */
  readonly commissionRate: number;
  readonly network: string;
  readonly asin: string;
}

export interface UserPlan {
  readonly index: number;
  readonly id: Uuid;
  readonly signupMs: number;
  readonly email: string;
  readonly archetype: Archetype;
  readonly tiers: readonly Tier[];
  readonly liberal: number;
}

const REFERENCE_MS = Date.parse(behaviour.referenceDate.value);
export const SIM_START_MS = REFERENCE_MS - behaviour.simulatedDays.value * 86_400_000;
/** Users sign up one every SIGNUP_SPACING_MS (plus jitter), in index order, so their ids sort by index. */
const SIGNUP_SPACING_MS = behaviour.signupSpacingSeconds.value * 1000;
/** Product ids carry a time a day before the history starts, so they sort before every user's rows. */
const PRODUCT_ID_MS = SIM_START_MS - 86_400_000;

/** One faker instance, reseeded per entity: cosmetic columns only, fixed locale and reference date. */
faker.setDefaultRefDate(behaviour.referenceDate.value);

export class World {
  readonly keyed: Keyed;
  readonly products: readonly Product[];
  /** Per category: product indexes and the cumulative exposure weights (for binary search). */
  private readonly exposure: { products: number[]; cdf: Float64Array }[];
  private readonly archetypeCdf: number[];

  constructor(
    readonly params: SeedParams,
    readonly categories: readonly Category[],
  ) {
    this.keyed = new Keyed(params.seed);
    this.products = this.buildCatalogue();
    this.exposure = categories.map(() => ({ products: [], cdf: new Float64Array(0) }));
    const weights: number[][] = categories.map(() => []);
    for (const p of this.products) {
      this.exposure[p.categoryIndex]!.products.push(p.index);
      weights[p.categoryIndex]!.push(p.weight ** behaviour.exposurePopularityExponent.value);
    }
    this.exposure.forEach((e, c) => {
      const w = weights[c]!;
      e.cdf = new Float64Array(w.length);
      let sum = 0;
      w.forEach((x, i) => {
        sum += x;
        e.cdf[i] = sum;
      });
    });
    let acc = 0;
    this.archetypeCdf = archetypes.map((a) => (acc += a.weight));
  }

  private buildCatalogue(): Product[] {
    const n = this.params.products;
    // Popularity rank → product index through a keyed permutation (pgbench's permute idea), so
    // the most popular products are not the first ids.
    const perm = Array.from({ length: n }, (_, i) => i);
    const shuffle = this.keyed.stream('catalogue', [n], 'permutation');
    for (let i = n - 1; i > 0; i--) {
      const j = shuffle.int(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const zipf = behaviour.zipfExponent.value;
    const networks = behaviour.affiliateNetworks.value;
    const price = behaviour.productPriceCents.value;
    const out: Product[] = [];
    for (let i = 0; i < n; i++) {
      const rng = this.keyed.stream('product', [i], 'plan');
      const rank = perm[i]! + 1;
      const priceCents = Math.round(rng.lognormal(price.median, price.sigma));
      out.push({
        index: i,
        id: uuid7(PRODUCT_ID_MS, i, rng),
        categoryIndex: rng.int(this.categories.length),
        rank,
        weight: 1 / rank ** zipf,
        priceCents: Math.max(price.min, Math.min(price.max, priceCents)),
        commissionRate: Math.round(
          (behaviour.commissionRate.value.min +
            rng.float() * (behaviour.commissionRate.value.max - behaviour.commissionRate.value.min)) *
            10_000,
        ),
        network: rng.pick(networks),
        asin: `B0${rng.u32().toString(36).toUpperCase().padStart(7, '0').slice(0, 8)}`,
      });
    }
    return out;
  }

  /** Cosmetic product columns (faker, seeded per product). */
  productText(p: Product): { title: string; description: string; brand: string; tags: string[] } {
    faker.seed(this.keyed.fakerSeed('product', [p.index]));
    return {
      title: faker.commerce.productName(),
      description: faker.commerce.productDescription(),
      brand: faker.company.name().slice(0, 100),
      tags: [faker.commerce.productAdjective().toLowerCase(), faker.commerce.productMaterial().toLowerCase()],
    };
  }

  /** Chooses the card shown: a category uniformly, then a product by popularity within it. */
  exposeProduct(rng: Rng): Product {
    const c = rng.int(this.categories.length);
    const e = this.exposure[c]!;
    if (e.products.length === 0) return this.products[rng.int(this.products.length)]!;
    const target = rng.float() * e.cdf[e.cdf.length - 1]!;
    let lo = 0;
    let hi = e.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (e.cdf[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return this.products[e.products[lo]!]!;
  }

  user(index: number): UserPlan {
    const rng = this.keyed.stream('user', [index], 'plan');
    const signupMs = SIM_START_MS + index * SIGNUP_SPACING_MS + rng.int(SIGNUP_SPACING_MS);
    const id = uuid7(signupMs, 0, rng);
    const r = rng.float() * this.archetypeCdf[this.archetypeCdf.length - 1]!;
    const archetype =
      archetypes[
        Math.max(
          0,
          this.archetypeCdf.findIndex((x) => r < x),
        )
      ]!;
    const tiers: Tier[] = this.categories.map((c) =>
      archetype.love.includes(c.slug) ? 'love' : archetype.neutral.includes(c.slug) ? 'neutral' : 'dislike',
    );
    if (rng.chance(behaviour.tierSwapProbability.value)) {
      // Per-user noise: one of the archetype's love/neutral categories trades tier with another category.
      const a = rng.int(tiers.length);
      let b = rng.int(tiers.length - 1);
      if (b >= a) b++;
      [tiers[a], tiers[b]] = [tiers[b]!, tiers[a]!];
    }
    const { alpha, beta, offset } = behaviour.liberalFactorBeta.value;
    const liberal = offset + rng.beta(alpha, beta);
    const tag = this.keyed.hash('user', [index], 'email')[0].toString(36);
    return {
      index,
      id,
      signupMs,
      email: `kit-${slug(this.params.seed)}-u${index}-${tag}@seed.aclue-kit.test`,
      archetype,
      tiers,
      liberal,
    };
  }

  /** Cosmetic user columns. */
  userText(u: UserPlan): { firstName: string; lastName: string; city: string; country: string } {
    faker.seed(this.keyed.fakerSeed('user', [u.index]));
    return {
      firstName: faker.person.firstName(),
      lastName: faker.person.lastName(),
      city: faker.location.city().slice(0, 100),
      country: faker.location.country().slice(0, 100),
    };
  }

  tiersJson(u: UserPlan): string {
    const o: Record<string, Tier> = {};
    for (const [i, c] of this.categories.entries()) o[c.slug] = u.tiers[i]!;
    return JSON.stringify(o);
  }

  /** The password every user of this run signs in with (derived, never random). */
  password(): string {
    const [hi, lo] = this.keyed.hash('run', [0], 'password');
    return `Kit-${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}!`;
  }

  /** The 16-byte bcrypt salt of the run's one password hash (derived, so auth.users is reproducible too). */
  passwordSalt(): Uint8Array {
    const salt = Buffer.alloc(16);
    for (let k = 0; k < 2; k++) {
      const [hi, lo] = this.keyed.hash('run', [k], 'password-salt');
      salt.writeUInt32BE(hi >>> 0, k * 8);
      salt.writeUInt32BE(lo >>> 0, k * 8 + 4);
    }
    return salt;
  }
}

export function slug(seed: string): string {
  return (
    seed
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 24) || 'seed'
  );
}

export { categorySlugs };
