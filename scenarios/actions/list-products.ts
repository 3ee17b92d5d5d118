import { routes } from '../../model/target.ts';
import type { Anonymous } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { listItems, stringField } from '../lib/responses.ts';

export interface ListedProduct {
  readonly id: string;
}

/** The product list a swiping user pages through; returns the products' ids. */
export async function listProducts(
  visitor: Anonymous,
  options: { limit: number; category?: string; token?: string },
): Promise<ListedProduct[]> {
  const reply = await send(
    visitor.rt,
    appRequest(visitor.target, routes.products, {
      query: { limit: options.limit, ...(options.category ? { category: options.category } : {}) },
      ...(options.token ? { headers: { Authorization: `Bearer ${options.token}` } } : {}),
    }),
  );
  const items = listItems(reply.json) ?? [];
  visitor.rt.check({ 'product list has products': reply.status === 200 && items.length > 0 }, { name: reply.name });
  const products: ListedProduct[] = [];
  for (const item of items) {
    const id = stringField(item, 'id');
    if (id) products.push({ id });
  }
  return products;
}
