import { check } from 'k6';
import { tables } from '../../model/target.ts';
import { send } from '../lib/http.ts';
import { restRequest, type Target } from '../lib/requests.ts';

/** One page of a category's active products through the Data API as an anonymous visitor. */
export function listActiveProducts(target: Target, categoryId: string, limit: number): { count: number } {
  const query = `select=id,title,price_min,price_max,brand,image_url,rating&is_active=eq.true&category_id=eq.${encodeURIComponent(categoryId)}&order=rating.desc.nullslast&limit=${limit}`;
  const reply = send(restRequest(target, tables.products, { query }));
  const ok = reply.status === 200 && Array.isArray(reply.json);
  check(reply, { 'anonymous visitor sees active products': () => ok }, { name: reply.name });
  return { count: Array.isArray(reply.json) ? reply.json.length : 0 };
}
