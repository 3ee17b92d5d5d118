/**
 * A signed-in user discovering gifts: starts a swipe session, loads the product list, swipes
 * through a few products with think time, sometimes opens one product's detail page and sometimes
 * clicks through to the merchant.
 */
import exec from 'k6/execution';
import { journeyBehaviour } from '../../model/profiles.ts';
import { clickAffiliate } from '../actions/click-affiliate.ts';
import { createSwipe } from '../actions/create-swipe.ts';
import { listProducts, type ListedProduct } from '../actions/list-products.ts';
import { startSwipeSession } from '../actions/start-swipe-session.ts';
import { viewProduct } from '../actions/view-product.ts';
import { categories, products, target, users } from '../lib/context.ts';
import { iterationSeed, swipeDirection, takesShare, userIndex } from '../lib/mix.ts';
import { seededRandom } from '../../model/prng.ts';
import { plan } from '../lib/run.ts';
import { think } from '../lib/think.ts';

export function swipingUser(): void {
  const iteration = exec.scenario.iterationInTest;
  const random = seededRandom(iterationSeed('swipingUser', iteration));
  const user = users[userIndex(iteration, users.length)]!;
  const caller = { target, user };

  const { sessionId } = startSwipeSession(caller);
  // Browse the category of one seeded product, so swipes spread over the catalogue.
  const seeded = products[(iteration * 7) % products.length]!;
  const category = categories.find((c) => c.id === seeded.categoryId)?.slug;
  const listed = listProducts(target, { limit: journeyBehaviour.productListLimit, token: user.accessToken, ...(category ? { category } : {}) });
  // An empty list is already a failed check; the manifest's products keep the swipes going.
  const deck: ListedProduct[] = listed.length > 0 ? listed : [{ id: seeded.id }];
  think(random, plan.thinkSeconds);

  let liked: ListedProduct | undefined;
  for (let i = 0; i < journeyBehaviour.swipesPerSession; i++) {
    const product = deck[(iteration + i) % deck.length]!;
    const direction = swipeDirection(random);
    createSwipe(caller, { productId: product.id, direction, sessionId });
    if (direction !== 'dislike') liked = product;
    think(random, plan.thinkSeconds);
  }
  const chosen = liked ?? deck[0]!;
  if (takesShare(iteration, journeyBehaviour.detailViewShare)) viewProduct(caller, chosen.id, sessionId);
  if (takesShare(iteration, journeyBehaviour.affiliateClickShare)) {
    clickAffiliate(caller, { productId: chosen.id, sessionId, source: 'swipe' });
  }
}
