import { tables } from '../../model/target.ts';
import type { Anonymous } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { restRequest } from '../lib/requests.ts';

/** One page of a category's active products through the Data API as an anonymous visitor. */
export async function listActiveProducts(
  visitor: Anonymous,
  categoryId: string,
  limit: number,
): Promise<{ count: number }> {
  const query = `select=id,title,price_min,price_max,brand,image_url,rating&is_active=eq.true&category_id=eq.${encodeURIComponent(categoryId)}&order=rating.desc.nullslast&limit=${limit}`;
  const reply = await send(visitor.rt, restRequest(visitor.target, tables.products, { query }));
  const ok = reply.status === 200 && Array.isArray(reply.json);
  visitor.rt.check({ 'anonymous visitor sees active products': ok }, { name: reply.name });
  return { count: Array.isArray(reply.json) ? reply.json.length : 0 };
}
