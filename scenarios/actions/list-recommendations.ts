import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { listItems, stringField } from '../lib/responses.ts';

export interface Recommendation {
  readonly id: string;
  readonly productId: string | undefined;
}

/** The user's recommendations (computed from their preferences); returns their ids. */
export async function listRecommendations(caller: Caller, limit: number): Promise<Recommendation[]> {
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.recommendations, { token: caller.user.accessToken, query: { limit } }),
  );
  const items = listItems(reply.json);
  caller.rt.check(
    { 'recommendations answer with a list': reply.status === 200 && items !== undefined },
    { name: reply.name },
  );
  const recommendations: Recommendation[] = [];
  for (const item of items ?? []) {
    const id = stringField(item, 'id', 'recommendation_id');
    if (id) recommendations.push({ id, productId: stringField(item, 'product_id') ?? stringField(item.product, 'id') });
  }
  return recommendations;
}
