/**
 * A visitor who is not signed in, browsing the catalogue straight through the Data API with the
 * anon key: the active categories, then one category's active products.
 */
import exec from 'k6/execution';
import { journeyBehaviour } from '../../model/profiles.ts';
import { listActiveProducts } from '../actions/list-active-products.ts';
import { listCategories } from '../actions/list-categories.ts';
import { categories, target } from '../lib/context.ts';
import { iterationSeed } from '../lib/mix.ts';
import { seededRandom } from '../../model/prng.ts';
import { plan } from '../lib/run.ts';
import { think } from '../lib/think.ts';

export function anonymousBrowser(): void {
  const iteration = exec.scenario.iterationInTest;
  const random = seededRandom(iterationSeed('anonymousBrowser', iteration));
  const listed = listCategories(target);
  think(random, plan.thinkSeconds);
  const categoryId = listed[iteration % Math.max(1, listed.length)] ?? categories[iteration % categories.length]?.id;
  if (categoryId) listActiveProducts(target, categoryId, journeyBehaviour.catalogueLimit);
}
