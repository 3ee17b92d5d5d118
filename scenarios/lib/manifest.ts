/**
 * The seed manifest (written by `npm run seed`): who the virtual users are and which products and
 * categories exist. Parsed and checked here, in plain TypeScript, so a broken or foreign manifest
 * fails with the file named instead of as an `undefined` deep inside a journey.
 */

export interface ManifestUser {
  readonly id: string;
  readonly email: string;
  readonly accessToken: string;
  readonly archetype: string;
}

export interface ManifestProduct {
  readonly id: string;
  readonly categoryId: string;
  readonly asin?: string;
}

export interface ManifestCategory {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

/**
 * A seeded click older than the attribution window and never converted: the postback journey plants
 * a late conversion on it, which the app must refuse (the window runs from the click's own time).
 */
export interface ManifestAgedClick {
  readonly id: string;
  readonly userId: string;
  /** ISO 8601 time of the click as the seed dated it. */
  readonly clickedAt: string;
}

export interface ManifestHeader {
  readonly runId: string;
  readonly target: { readonly apiUrl: string; readonly supabaseUrl: string; readonly kind: string };
  readonly createdAt: string;
}

export interface Manifest extends ManifestHeader {
  readonly users: readonly ManifestUser[];
  readonly products: readonly ManifestProduct[];
  readonly categories: readonly ManifestCategory[];
  /** Empty for manifests written before aged clicks were listed: the journey then plants no late postback. */
  readonly agedClicks: readonly ManifestAgedClick[];
}

export class ManifestError extends Error {
  constructor(file: string, reason: string) {
    super(`seed manifest ${file}: ${reason}`);
    this.name = 'ManifestError';
  }
}

/** Parses the manifest text; `file` only names it in errors. Users need at least two (the RLS probe pairs them). */
export function parseManifest(text: string, file: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(file, `is not JSON (${(error as Error).message})`);
  }
  const m = asRecord(raw, file, 'the manifest');
  if (m.version !== 1) throw new ManifestError(file, `expected "version": 1, got ${JSON.stringify(m.version)}`);
  const target = asRecord(m.target, file, 'target');
  const users = asArray(m.users, file, 'users').map((u, i) => {
    const r = asRecord(u, file, `users[${i}]`);
    if (r.accessToken === null || r.accessToken === undefined) {
      throw new ManifestError(
        file,
        `users[${i}].accessToken is missing: the seed did not know the target's JWT secret, and the scenarios use pre-minted tokens (no sign-in per VU). Seed again with the secret configured (KIT_JWT_SECRET)`,
      );
    }
    return {
      id: str(r, 'id', file, `users[${i}]`),
      email: str(r, 'email', file, `users[${i}]`),
      accessToken: str(r, 'accessToken', file, `users[${i}]`),
      archetype: typeof r.archetype === 'string' ? r.archetype : 'unknown',
    };
  });
  if (users.length < 2)
    throw new ManifestError(
      file,
      `expected at least 2 users (the RLS probe reads one user's rows as another), got ${users.length}`,
    );
  const products = asArray(m.products, file, 'products').map((p, i) => {
    const r = asRecord(p, file, `products[${i}]`);
    const asin = typeof r.asin === 'string' ? r.asin : undefined;
    return {
      id: str(r, 'id', file, `products[${i}]`),
      categoryId: str(r, 'categoryId', file, `products[${i}]`),
      ...(asin ? { asin } : {}),
    };
  });
  if (products.length === 0) throw new ManifestError(file, 'has no products; seed a run first');
  const categories = asArray(m.categories, file, 'categories').map((c, i) => {
    const r = asRecord(c, file, `categories[${i}]`);
    return {
      id: str(r, 'id', file, `categories[${i}]`),
      slug: str(r, 'slug', file, `categories[${i}]`),
      name: str(r, 'name', file, `categories[${i}]`),
    };
  });
  const agedClicks = (m.agedClicks === undefined ? [] : asArray(m.agedClicks, file, 'agedClicks')).map((c, i) => {
    const r = asRecord(c, file, `agedClicks[${i}]`);
    return {
      id: str(r, 'id', file, `agedClicks[${i}]`),
      userId: str(r, 'userId', file, `agedClicks[${i}]`),
      clickedAt: str(r, 'clickedAt', file, `agedClicks[${i}]`),
    };
  });
  return {
    runId: str(m, 'runId', file, 'the manifest'),
    createdAt: typeof m.createdAt === 'string' ? m.createdAt : '',
    target: {
      apiUrl: str(target, 'apiUrl', file, 'target'),
      supabaseUrl: typeof target.supabaseUrl === 'string' ? target.supabaseUrl : str(target, 'apiUrl', file, 'target'),
      kind: typeof target.kind === 'string' ? target.kind : 'unknown',
    },
    users,
    products,
    categories,
    agedClicks,
  };
}

/** URLs compare equal without a trailing slash and with a lower-case scheme and host. */
export function sameBaseUrl(a: string, b: string): boolean {
  const norm = (url: string) =>
    url
      .trim()
      .replace(/\/+$/, '')
      .replace(/^[a-z]+:\/\/[^/]+/i, (origin) => origin.toLowerCase());
  return norm(a) === norm(b);
}

// --- internal ---

function asRecord(value: unknown, file: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ManifestError(file, `${what}: expected an object`);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, file: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ManifestError(file, `${what}: expected an array`);
  return value;
}

function str(record: Record<string, unknown>, key: string, file: string, what: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '')
    throw new ManifestError(file, `${what}.${key}: expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
