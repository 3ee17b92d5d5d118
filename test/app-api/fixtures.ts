/**
 * Test fixtures for the App API: a small catalogue in three categories, accounts registered through
 * the App API itself (→ Auth face), and a fetch helper for `/api/v1` paths.
 */
import type pg from 'pg';
import { API_BASE } from '../../model/target.ts';

export interface CatalogueProduct {
  readonly id: string;
  readonly category: 'Electronics' | 'Fashion' | 'Books & Media';
  readonly brand: string;
  readonly asin: string;
}

const plan: readonly { slug: string; category: CatalogueProduct['category']; brand: string }[] = [
  { slug: 'electronics', category: 'Electronics', brand: 'Voltix' },
  { slug: 'fashion', category: 'Fashion', brand: 'Threadly' },
  { slug: 'books-media', category: 'Books & Media', brand: 'Pageturn' },
];

/** Four active products per category (prices 20–95, ratings 3.6–4.8) plus one inactive product. */
export async function insertCatalogue(pool: pg.Pool): Promise<CatalogueProduct[]> {
  const products: CatalogueProduct[] = [];
  let n = 0;
  for (const { slug, category, brand } of plan) {
    for (let i = 0; i < 4; i += 1) {
      n += 1;
      const asin = `B0TEST${String(n).padStart(4, '0')}`;
      const { rows } = await pool.query<{ id: string }>(
        `insert into public.products (title, description, price_min, price_max, currency, brand, category_id, rating,
                                      review_count, affiliate_url, affiliate_network, commission_rate, features)
         select $1, $2, $3, $3, 'GBP', $4, c.id, $5, $6, $7, 'amazon', 0.05, '{}'::jsonb
         from public.categories c where c.slug = $8 returning id`,
        [
          `${category} item ${i + 1}`,
          `A ${category.toLowerCase()} gift`,
          20 + n * 5,
          brand,
          (3.6 + ((n * 7) % 13) / 10).toFixed(2),
          100 * n,
          `https://www.amazon.co.uk/dp/${asin}/?tag=aclue-21&linkCode=as2`,
          slug,
        ],
      );
      products.push({ id: rows[0]!.id, category, brand, asin });
    }
  }
  await pool.query(
    `insert into public.products (title, price_min, is_active, affiliate_url) values ('Retired', 10, false, 'https://example.com/x')`,
  );
  return products;
}

export interface ApiCall {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read answer bodies of many shapes field by field
  readonly body: any;
}

/** Calls `${baseUrl}/api/v1${path}`; JSON in, JSON out. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiCall> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  if (opts.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${API_BASE}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
  readonly refreshToken: string;
}

/** Registers an account through POST /auth/register (Auth admin create + password sign-in). */
export async function register(baseUrl: string, name: string): Promise<Account> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = 'correct-horse-battery';
  const reply = await api(baseUrl, 'POST', '/auth/register', {
    body: { first_name: name, last_name: 'Tester', email, password },
  });
  if (reply.status !== 201) throw new Error(`register ${email}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return {
    id: reply.body.user.id,
    email,
    password,
    token: reply.body.access_token,
    refreshToken: reply.body.refresh_token,
  };
}
