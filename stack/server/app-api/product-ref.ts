/**
 * A product named by a request: the `products.id` UUID (the kit's stable id) or, as the real
 * backend also accepts, an Amazon ASIN (stable across staging and local).
 */
import { lit } from './db.ts';
import { ApiError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ASIN = /^[A-Z0-9]{10}$/i;

/** The ASIN of a product row `p`: its features' `asin`, else the `/dp/<ASIN>` of its merchant URL. */
export const ASIN_OF_P = "coalesce(p.features ->> 'asin', substring(p.affiliate_url from '/dp/([A-Z0-9]{10})'))";

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A WHERE condition on `products p` selecting the product, or 404 when the id cannot name one. */
export function productCondition(idOrAsin: string): string {
  if (UUID.test(idOrAsin)) return `p.id = ${lit(idOrAsin)}::uuid`;
  if (ASIN.test(idOrAsin)) return `${ASIN_OF_P} = ${lit(idOrAsin.toUpperCase())}`;
  throw new ApiError(404, 'Product not found');
}

/** An SQL expression giving the product's uuid (NULL when no active product matches). */
export function productIdExpression(idOrAsin: string): string {
  if (UUID.test(idOrAsin)) return `${lit(idOrAsin)}::uuid`;
  return `(select p.id from public.products p where ${productCondition(idOrAsin)} and p.is_active limit 1)`;
}
