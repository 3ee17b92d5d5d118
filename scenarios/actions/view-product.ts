import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** Opens a product's detail page (the server records the view for the signed-in user). */
export async function viewProduct(
  caller: Caller,
  productId: string,
  sessionId: string | undefined,
): Promise<{ found: boolean }> {
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.product, {
      params: { id: productId },
      query: { view_source: 'swipe', ...(sessionId ? { session_id: sessionId } : {}) },
      headers: { Authorization: `Bearer ${caller.user.accessToken}` },
    }),
  );
  const found = reply.status === 200 && stringField(reply.json, 'id') === productId;
  caller.rt.check({ 'product detail is the product asked for': found }, { name: reply.name });
  return { found };
}
