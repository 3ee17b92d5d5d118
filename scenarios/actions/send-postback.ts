import { routes } from '../../model/target.ts';
import type { Anonymous } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import {
  type Conversion,
  POSTBACK_SIGNATURE_HEADER,
  type PostbackKind,
  postbackFields,
  postbackPlants,
} from '../lib/postback.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** One planted postback: what is sent, and what verify needs to reconcile it. */
export interface PlantedPostback {
  readonly kind: PostbackKind;
  readonly conversion: Conversion;
  /** Whose click it names (verify asks the app's statistics as this user). */
  readonly userId: string;
  /** The click's own time, for a late plant on a seeded click. */
  readonly clickedAt?: string;
}

/**
 * The affiliate network reports a conversion for a click, signed with the shared secret (or, for a
 * `bad_signature` plant, with a wrong one). The app must answer as the plant's kind says
 * (scenarios/lib/postback.ts). Every plant is recorded in `aclue_postbacks` whatever the answer:
 * the load's truth, which verify reconciles with what the app stored.
 */
export async function sendPostback(
  network: Anonymous,
  secret: string,
  plant: PlantedPostback,
): Promise<{ answered: boolean }> {
  const fields = postbackFields(plant.conversion);
  const body = JSON.stringify(fields);
  const expected = postbackPlants[plant.kind];
  const signature = network.rt.hmacSha256Hex(plant.kind === 'bad_signature' ? `not-${secret}` : secret, body);
  const spec = appRequest(network.target, routes.affiliatePostback, {
    headers: { [POSTBACK_SIGNATURE_HEADER]: signature, 'Content-Type': 'application/json' },
    expected: [expected.status],
  });
  const reply = await send(network.rt, { ...spec, body });
  const outcome = stringField(reply.json, 'status') ?? '';
  const answered = reply.status === expected.status && (expected.outcome === '' || outcome === expected.outcome);
  network.rt.check({ [`postback answered as planted (${plant.kind})`]: answered }, { name: reply.name });
  network.rt.add('aclue_postbacks', 1, {
    kind: plant.kind,
    click_id: fields.click_id,
    order_id: fields.order_id,
    user_id: plant.userId,
    amount: fields.amount.toFixed(2),
    commission: fields.commission.toFixed(2),
    clicked_at: plant.clickedAt ?? '',
    status: String(reply.status),
    outcome,
  });
  if (plant.kind === 'converted' && reply.status === 200 && outcome === 'converted')
    network.rt.add('aclue_writes', 1, { entity: 'conversion', id: fields.order_id });
  return { answered };
}
