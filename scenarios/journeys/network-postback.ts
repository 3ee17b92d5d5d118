/**
 * A click that converts: a user clicks through to the merchant, and a little later the affiliate
 * network reports the order with a signed server-to-server postback naming the click id. The
 * journey's rate against the swiping users' clicks sets the conversion share.
 */
import { journeyBehaviour } from '../../model/profiles.ts';
import { seededRandom } from '../../model/prng.ts';
import { clickAffiliate } from '../actions/click-affiliate.ts';
import { sendPostback } from '../actions/send-postback.ts';
import { iterationSeed, userIndex } from '../lib/mix.ts';
import { loadOrderId } from '../lib/postback.ts';
import type { Iteration } from '../lib/runtime.ts';
import { think } from '../lib/think.ts';

export async function networkPostback({ rt, world, number, vuId, setup }: Iteration): Promise<void> {
  const random = seededRandom(iterationSeed('networkPostback', number));
  const user = world.users[userIndex(number * 7 + 3, world.users.length)]!;
  const product = world.products[(number * 13) % world.products.length]!;

  const { clickId } = await clickAffiliate({ rt, target: world.target, user }, { productId: product.id, sessionId: undefined, source: 'recommendation' });
  if (!clickId) return;
  await think(rt, random, world.plan.thinkSeconds);
  await sendPostback({ rt, target: world.target }, world.env.postbackSecret, {
    clickId,
    orderId: loadOrderId(setup.runTag, vuId, number),
    amount: 15 + Math.floor(random() * 20000) / 100,
    commissionRate: journeyBehaviour.postbackCommissionRate,
  });
}
