/**
 * A product's `products` row and its truth row (planted popularity), shared by both writers.
 */
import { behaviour } from '../model/behaviour.ts';
import type { Product, World } from './world.ts';

const CREATED_MS = Date.parse(behaviour.referenceDate.value) - (behaviour.simulatedDays.value + 30) * 86_400_000;

export function productRows(
  world: World,
  runId: string,
  p: Product,
): { row: Record<string, unknown>; truth: Record<string, unknown> } {
  const text = world.productText(p);
  const category = world.categories[p.categoryIndex]!;
  return {
    truth: {
      run_id: runId,
      product_id: p.id,
      product_index: p.index,
      category_slug: category.slug,
      popularity_rank: p.rank,
      popularity_weight: p.weight,
    },
    row: {
      id: p.id,
      title: text.title,
      description: text.description,
      price_min: p.priceCents,
      price_max: p.priceCents,
      currency: 'USD',
      brand: text.brand,
      image_url: `https://images.seed.aclue-kit.test/${p.asin}.jpg`,
      affiliate_url: `https://www.amazon.co.uk/dp/${p.asin}/?tag=aclue-20`,
      affiliate_network: p.network,
      commission_rate: p.commissionRate,
      category_id: category.id,
      tags: text.tags,
      rating: 300 + ((p.index * 37) % 200),
      review_count: Math.round(2000 * p.weight),
      availability_status: 'available',
      created_at: CREATED_MS,
      updated_at: CREATED_MS,
      is_active: true,
    },
  };
}
