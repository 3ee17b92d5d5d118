/**
 * A visitor who is not signed in, browsing the catalogue straight through the Data API with the
 * anon key: the active categories, then one category's active products.
 */

import { seededRandom } from '../../model/prng.ts';
import { journeyBehaviour } from '../../model/profiles.ts';
import { listActiveProducts } from '../actions/list-active-products.ts';
import { listCategories } from '../actions/list-categories.ts';
import { iterationSeed } from '../lib/mix.ts';
import type { Iteration } from '../lib/runtime.ts';
import { think } from '../lib/think.ts';

export async function anonymousBrowser({ rt, world, number }: Iteration): Promise<void> {
  const random = seededRandom(iterationSeed('anonymousBrowser', number));
  const visitor = { rt, target: world.target };
  const listed = await listCategories(visitor);
  await think(rt, random, world.plan.thinkSeconds);
  const categoryId =
    listed[number % Math.max(1, listed.length)] ?? world.categories[number % world.categories.length]?.id;
  if (categoryId) await listActiveProducts(visitor, categoryId, journeyBehaviour.catalogueLimit);
}
