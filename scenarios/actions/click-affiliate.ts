import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField, urlCarriesClickId } from '../lib/responses.ts';

/**
 * Clicks through to the merchant. The click id must come back inside the merchant URL: that is
 * what lets a network's postback name the click later (attribution).
 */
export async function clickAffiliate(
  caller: Caller,
  click: { productId: string; sessionId: string | undefined; source: string },
): Promise<{ clickId: string | undefined; redirectUrl: string | undefined }> {
  // The stable product id only: the real backend also takes an ASIN, but seeded catalogues need not
  // carry valid ones.
  const body = {
    product_id: click.productId,
    ...(click.sessionId ? { session_id: click.sessionId } : {}),
    source: click.source,
  };
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.affiliateClick, { token: caller.user.accessToken, body }),
  );
  const clickId = stringField(reply.json, 'click_id', 'id');
  const redirectUrl = stringField(reply.json, 'redirect_url', 'affiliate_url', 'url');
  caller.rt.check(
    {
      'affiliate click is recorded': (reply.status === 200 || reply.status === 201) && clickId !== undefined,
      'merchant URL carries the click id': urlCarriesClickId(redirectUrl, clickId),
    },
    { name: reply.name },
  );
  if (clickId) {
    caller.rt.add('aclue_clicks_created', 1, { click_id: clickId });
    caller.rt.add('aclue_writes', 1, { entity: 'affiliate_click', id: clickId });
  }
  return { clickId, redirectUrl };
}
