import { check } from 'k6';
import { routes } from '../../model/target.ts';
import { send } from '../lib/http.ts';
import { appRequest, type Target } from '../lib/requests.ts';
import { listItems, stringField } from '../lib/responses.ts';

export interface ListedProduct {
  readonly id: string;
}

/** The product list a swiping user pages through; returns the products' ids. */
export function listProducts(target: Target, options: { limit: number; category?: string; token?: string }): ListedProduct[] {
  const reply = send(
    appRequest(target, routes.products, {
      query: { limit: options.limit, ...(options.category ? { category: options.category } : {}) },
      ...(options.token ? { headers: { Authorization: `Bearer ${options.token}` } } : {}),
    }),
  );
  const items = listItems(reply.json) ?? [];
  check(reply, { 'product list has products': () => reply.status === 200 && items.length > 0 }, { name: reply.name });
  const products: ListedProduct[] = [];
  for (const item of items) {
    const id = stringField(item, 'id');
    if (id) products.push({ id });
  }
  return products;
}
