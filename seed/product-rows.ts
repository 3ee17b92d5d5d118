/**
 * A product's `products` row and its truth row (planted popularity), shared by both writers.
 */
import { behaviour } from '../model/behaviour.ts';
import type { ProductRow, TruthProductRow } from './tables.ts';
import type { Product, World } from './world.ts';

const CREATED_MS =
  Date.parse(behaviour.referenceDate.value) -
  (behaviour.simulatedDays.value + behaviour.catalogueLeadDays.value) * 86_400_000;
const RATING = behaviour.productRatingHundredths.value;
/** Coprime with the rating span (200), so consecutive products get well-spread ratings. */
const RATING_STRIDE = 37;
const TOP_REVIEWS = behaviour.reviewsOfTopProduct.value;

export function productRows(
  world: World,
  runId: string,
  product: Product,
): { row: ProductRow; truth: TruthProductRow } {
  const text = world.productText(product);
  const category = world.categories[product.categoryIndex]!;
  return {
    truth: {
      run_id: runId,
      product_id: product.id,
      product_index: product.index,
      category_slug: category.slug,
      popularity_rank: product.rank,
      popularity_weight: product.weight,
    },
    row: {
      id: product.id,
      title: text.title,
      description: text.description,
      price_min: product.priceCents,
      price_max: product.priceCents,
      currency: 'USD',
      brand: text.brand,
      image_url: `https://images.seed.aclue-kit.test/${product.asin}.jpg`,
      affiliate_url: `https://www.amazon.co.uk/dp/${product.asin}/?tag=aclue-20`,
      affiliate_network: product.network,
      commission_rate: product.commissionRate,
      category_id: category.id,
      tags: text.tags,
      rating: RATING.min + ((product.index * RATING_STRIDE) % (RATING.max - RATING.min + 1)),
      review_count: Math.round(TOP_REVIEWS * product.weight),
      availability_status: 'available',
      created_at: CREATED_MS,
      updated_at: CREATED_MS,
      is_active: true,
    },
  };
}
