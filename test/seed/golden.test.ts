/**
 * The generator's output, pinned: SHA-256 (first 16 hex digits) of every table's binary COPY
 * stream, and of the Data API JSON rows in the order a sink receives them, for seed `aclue` at scale
 * 0.1, without a database. A refactor of the generator must leave every hash as it is. A change
 * that means to alter the rows changes them: then bump GENERATOR_VERSION (seed/run.ts) or
 * MODEL_VERSION (model/behaviour.ts) and update the hashes here in the same commit.
 */
import { createHash, type Hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { categorySlugs, productCount, userCount } from '../../model/behaviour.ts';
import { Batch } from '../../seed/batch.ts';
import { BinaryCopyEncoder } from '../../seed/copy/binary.ts';
import { productRows } from '../../seed/product-rows.ts';
import { orphanConversions, type Sink } from '../../seed/simulate.ts';
import {
  encodeRow,
  jsonRow,
  type PublicTableKey,
  publicTables,
  type TruthTableKey,
  truthTables,
} from '../../seed/tables.ts';
import { userRows } from '../../seed/user-rows.ts';
import { uuidBytes } from '../../seed/uuid.ts';
import { World } from '../../seed/world.ts';

const SEED = 'aclue';
const SCALE = 0.1;
/** Users whose rows are also hashed as JSON, in arrival order. */
const JSON_USERS = 60;

const EXPECTED = {
  'json:public': '7f2ffc2cb8e59e87',
  'json:truth': '3ca3c633521e5148',
  'kit_truth.products': '1b46d80f79caf0dc',
  'orphan.conversions': '0757fd70d56cc58e',
  'public.affiliateClicks': '080efb2a7fb46b50',
  'public.products': '30616a1290940acc',
  'public.productViews': 'e2fc3e78bc7c27df',
  'public.profiles': '604a9ce601942932',
  'public.recommendationFeedback': '28615a32d2b83bcc',
  'public.recommendations': '07bceabc20028422',
  'public.sessionAnalytics': '79dd18c146a9b690',
  'public.swipeInteractions': '49b94ca366f2b8b8',
  'public.swipeSessions': '613e346f86ed14a1',
  'public.users': '9c47849b917ae5e7',
  'truth.clicks': '40f8d7ea58b74369',
  'truth.conversions': '5b5c7136aaa3b27c',
  'truth.users': 'c6b8368dab198f61',
};

function generatorHashes(): Record<string, string> {
  const categories = categorySlugs.map((slug, i) => ({
    slug,
    id: uuidBytes(`0190a000-0000-7000-8000-${(i + 1).toString(16).padStart(12, '0')}`),
  }));
  const params = { seed: SEED, scale: SCALE, users: userCount(SCALE), products: productCount(SCALE) };
  const world = new World(params, categories);
  const runId = `run-${SEED}`;
  const hashes = new Map<string, Hash>();
  const hash = (name: string): Hash => {
    let h = hashes.get(name);
    if (!h) hashes.set(name, (h = createHash('sha256')));
    return h;
  };

  const truthProducts = new BinaryCopyEncoder();
  const products = new BinaryCopyEncoder();
  for (const p of world.products) {
    const made = productRows(world, runId, p);
    encodeRow(truthProducts, truthTables.products, made.truth);
    encodeRow(products, publicTables.products, made.row);
  }
  for (const c of truthProducts.take()) hash('kit_truth.products').update(c);
  for (const c of products.take()) hash('public.products').update(c);

  const json: Sink = {
    row: (table: PublicTableKey, row: object) =>
      hash('json:public').update(`${table}${JSON.stringify(jsonRow(publicTables[table], row))}\n`),
    truth: (table: TruthTableKey, row: object) =>
      hash('json:truth').update(`${table}${JSON.stringify(jsonRow(truthTables[table], row))}\n`),
  };
  const batch = new Batch();
  for (let u = 0; u < params.users; u++) {
    userRows(world, runId, u, batch);
    if (u < JSON_USERS) userRows(world, runId, u, json);
  }
  for (const [key, table] of batch.tables) for (const c of table.finish()) hash(`public.${key}`).update(c);
  for (const [key, table] of batch.truths) for (const c of table.finish()) hash(`truth.${key}`).update(c);
  const orphans = new Batch();
  orphanConversions(world, runId, orphans);
  for (const [key, table] of orphans.truths) for (const c of table.finish()) hash(`orphan.${key}`).update(c);

  return Object.fromEntries(
    [...hashes].sort(([a], [b]) => a.localeCompare(b)).map(([k, h]) => [k, h.digest('hex').slice(0, 16)]),
  );
}

describe('generator output', () => {
  it('is byte for byte what it was for the same seed and scale', () => {
    expect(generatorHashes()).toEqual(EXPECTED);
  });
});
