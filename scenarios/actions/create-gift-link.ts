import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** Shares a few products as a gift link; returns its token. */
export async function createGiftLink(
  caller: Caller,
  productIds: readonly string[],
  title: string,
): Promise<{ token: string | undefined }> {
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.giftLinkCreate, {
      token: caller.user.accessToken,
      body: { title, product_ids: productIds, is_public: true },
    }),
  );
  const token = stringField(reply.json, 'link_token', 'token');
  caller.rt.check(
    { 'gift link is created with a token': (reply.status === 200 || reply.status === 201) && token !== undefined },
    { name: reply.name },
  );
  const id = stringField(reply.json, 'id') ?? token;
  if (id) caller.rt.add('aclue_writes', 1, { entity: 'gift_link', id });
  return { token };
}
