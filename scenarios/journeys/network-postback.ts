/**
 * A click that converts: a user clicks through to the merchant, and a little later the affiliate
 * network reports the order with a signed server-to-server postback naming the click id. The
 * journey's rate against the swiping users' clicks sets the conversion share.
 */
import exec from 'k6/execution';
import { journeyBehaviour } from '../../model/profiles.ts';
import { clickAffiliate } from '../actions/click-affiliate.ts';
import { sendPostback } from '../actions/send-postback.ts';
import { env, products, target, users } from '../lib/context.ts';
import { iterationSeed, userIndex } from '../lib/mix.ts';
import { seededRandom } from '../../model/prng.ts';
import { loadOrderId } from '../lib/postback.ts';
import { plan } from '../lib/run.ts';
import type { SetupData } from '../lib/setup.ts';
import { think } from '../lib/think.ts';

export function networkPostback(data: SetupData): void {
  const iteration = exec.scenario.iterationInTest;
  const random = seededRandom(iterationSeed('networkPostback', iteration));
  const user = users[userIndex(iteration * 7 + 3, users.length)]!;
  const product = products[(iteration * 13) % products.length]!;

  const { clickId } = clickAffiliate({ target, user }, { productId: product.id, sessionId: undefined, source: 'recommendation' });
  if (!clickId) return;
  think(random, plan.thinkSeconds);
  sendPostback(target, env.postbackSecret, {
    clickId,
    orderId: loadOrderId(data.runTag, exec.vu.idInTest, iteration),
    amount: 15 + Math.floor(random() * 20000) / 100,
    commissionRate: journeyBehaviour.postbackCommissionRate,
  });
}
