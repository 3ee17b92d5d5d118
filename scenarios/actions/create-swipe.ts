import { type ApiSwipeDirection, routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** Records one swipe; returns the stored swipe's id. */
export async function createSwipe(
  caller: Caller,
  swipe: { productId: string; direction: ApiSwipeDirection; sessionId: string | undefined },
): Promise<{ swipeId: string | undefined }> {
  const body = {
    product_id: swipe.productId,
    direction: swipe.direction,
    ...(swipe.sessionId ? { session_id: swipe.sessionId } : {}),
  };
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.swipe, { token: caller.user.accessToken, body }),
  );
  const swipeId = stringField(reply.json, 'id');
  caller.rt.check(
    { 'swipe is stored with an id': (reply.status === 200 || reply.status === 201) && swipeId !== undefined },
    { name: reply.name },
  );
  if (swipeId) caller.rt.add('aclue_writes', 1, { entity: 'swipe', id: swipeId });
  return { swipeId };
}
