/**
 * A signed-in user discovering gifts: starts a swipe session, loads the product list, swipes
 * through a few products with think time, sometimes opens one product's detail page and sometimes
 * clicks through to the merchant.
 */

import { seededRandom } from '../../model/prng.ts';
import { journeyBehaviour } from '../../model/profiles.ts';
import { clickAffiliate } from '../actions/click-affiliate.ts';
import { createSwipe } from '../actions/create-swipe.ts';
import { type ListedProduct, listProducts } from '../actions/list-products.ts';
import { startSwipeSession } from '../actions/start-swipe-session.ts';
import { viewProduct } from '../actions/view-product.ts';
import { iterationSeed, swipeDirection, takesShare, userIndex } from '../lib/mix.ts';
import type { Iteration } from '../lib/runtime.ts';
import { think } from '../lib/think.ts';

export async function swipingUser({ rt, world, number }: Iteration): Promise<void> {
  const { users, products, categories, plan } = world;
  const random = seededRandom(iterationSeed('swipingUser', number));
  const user = users[userIndex(number, users.length)]!;
  const caller = { rt, target: world.target, user };

  const { sessionId } = await startSwipeSession(caller);
  // Browse the category of one seeded product, so swipes spread over the catalogue.
  const seeded = products[(number * 7) % products.length]!;
  let category: string | undefined;
  for (let i = 0; i < categories.length && category === undefined; i++)
    if (categories[i]!.id === seeded.categoryId) category = categories[i]!.slug;
  const listed = await listProducts(caller, {
    limit: journeyBehaviour.productListLimit,
    token: user.accessToken,
    ...(category ? { category } : {}),
  });
  // An empty list is already a failed check; the manifest's products keep the swipes going.
  const deck: ListedProduct[] = listed.length > 0 ? listed : [{ id: seeded.id }];
  await think(rt, random, plan.thinkSeconds);

  let liked: ListedProduct | undefined;
  for (let i = 0; i < journeyBehaviour.swipesPerSession; i++) {
    const product = deck[(number + i) % deck.length]!;
    const direction = swipeDirection(random);
    await createSwipe(caller, { productId: product.id, direction, sessionId });
    if (direction !== 'dislike') liked = product;
    await think(rt, random, plan.thinkSeconds);
  }
  const chosen = liked ?? deck[0]!;
  if (takesShare(number, journeyBehaviour.detailViewShare)) await viewProduct(caller, chosen.id, sessionId);
  if (takesShare(number, journeyBehaviour.affiliateClickShare)) {
    await clickAffiliate(caller, { productId: chosen.id, sessionId, source: 'swipe' });
  }
}
