/**
 * A click that converts: a user clicks through to the merchant, and a little later the affiliate
 * network reports the order with a signed server-to-server postback naming the click id. The
 * journey's rate against the swiping users' clicks sets the conversion share. Beside the
 * conversion, a share of iterations plants the edge cases the app must handle (a forged signature,
 * a replay, an unknown click, a late conversion on an aged seeded click); each plant and the answer
 * it owes are recorded as the load's truth (scenarios/actions/send-postback.ts).
 */

import { seededRandom } from '../../model/prng.ts';
import { journeyBehaviour } from '../../model/profiles.ts';
import { clickAffiliate } from '../actions/click-affiliate.ts';
import { sendPostback } from '../actions/send-postback.ts';
import { iterationSeed, takesShare, userIndex } from '../lib/mix.ts';
import { type Conversion, loadOrderId, type PostbackKind, pennyAmount, unknownClickId } from '../lib/postback.ts';
import type { Iteration } from '../lib/runtime.ts';
import { think } from '../lib/think.ts';

export async function networkPostback({ rt, world, number, vuId, setup }: Iteration): Promise<void> {
  const random = seededRandom(iterationSeed('networkPostback', number));
  const user = world.users[userIndex(number * 7 + 3, world.users.length)]!;
  const product = world.products[(number * 13) % world.products.length]!;
  const network = { rt, target: world.target };
  const secret = world.env.postbackSecret;
  const shares = journeyBehaviour.postbackPlantShares;
  const conversion = (kind: PostbackKind, clickId: string): Conversion => ({
    clickId,
    orderId: loadOrderId(setup.runTag, vuId, number, kind),
    amount: pennyAmount(random, journeyBehaviour.postbackCommissionRate),
    commissionRate: journeyBehaviour.postbackCommissionRate,
  });

  const { clickId } = await clickAffiliate(
    { rt, target: world.target, user },
    { productId: product.id, sessionId: undefined, source: 'recommendation' },
  );
  if (!clickId) return;
  await think(rt, random, world.plan.thinkSeconds);
  // Forged first: an app that took it would put its order on the click and refuse the real one.
  if (takesShare(number, shares.bad_signature)) {
    await sendPostback(network, secret, {
      kind: 'bad_signature',
      userId: user.id,
      conversion: conversion('bad_signature', clickId),
    });
  }
  const converted = conversion('converted', clickId);
  await sendPostback(network, secret, { kind: 'converted', userId: user.id, conversion: converted });
  if (takesShare(number, shares.duplicate))
    await sendPostback(network, secret, { kind: 'duplicate', userId: user.id, conversion: converted });
  if (takesShare(number, shares.unknown_click)) {
    // Seeded by the run tag too, so runs against one database do not reuse the same unknown id.
    const unknown = unknownClickId(seededRandom(iterationSeed(`networkPostback:${setup.runTag}`, number)));
    await sendPostback(network, secret, {
      kind: 'unknown_click',
      userId: '',
      conversion: conversion('unknown_click', unknown),
    });
  }
  const aged = world.agedClicks.length > 0 ? world.agedClicks[number % world.agedClicks.length] : undefined;
  if (aged !== undefined && takesShare(number, shares.late)) {
    await sendPostback(network, secret, {
      kind: 'late',
      userId: aged.userId,
      clickedAt: aged.clickedAt,
      conversion: conversion('late', aged.id),
    });
  }
}
