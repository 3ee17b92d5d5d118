// The attribution-history gate against a planted world: a faithful database passes; deleted
// clicks, a conversion credited to the wrong click, a late conversion attributed and a double
// credit each fail naming their class and rows; without a judged seed run it is insufficient-data,
// load clicks or not (those are the attribution gate's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import attributionGate from '../../verify/gates/attribution-history.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import { testContext } from './context.ts';
import type { World } from './world.ts';
import { plantWorld } from './world.ts';

let db: TestDatabase;
let world: World;

beforeAll(async () => {
  db = await freshDatabase();
  world = await plantWorld(db.pool, { measuredUsers: 40, coldUsers: 0, swipesPerUser: 5 });
});
afterAll(async () => db?.close());

const loadWith = (clickIds: string[]): LoadEvidence =>
  ({ clickIds, writes: [], sources: [] }) as unknown as LoadEvidence;

/** Runs the gate with `fault` applied inside a transaction that is rolled back afterwards. */
async function withFault(fault: string, params: unknown[], load?: LoadEvidence) {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query(fault, params);
    const ctx = testContext(undefined, { seedRunIds: [world.runId], load });
    return await attributionGate.run({ ...ctx, db: { query: client.query.bind(client) } as never });
  } finally {
    await client.query('rollback');
    client.release();
  }
}

describe('gate attribution-history', () => {
  it('passes when every planted click and conversion reconciles', async () => {
    const result = await attributionGate.run(testContext(db.pool, { seedRunIds: [world.runId] }));
    expect(result.evidence.rows, result.evidence.summary).toEqual([]);
    expect(result.status).toBe('pass');
    expect(result.evidence.figures?.['recordedClicks']).toBe(40);
    expect(result.evidence.figures?.['commissionDifference']).toBe(0);
  });

  it('fails on deleted clicks, naming them as missing', async () => {
    const gone = world.clickIds.slice(1, 3);
    const result = await withFault('delete from public.affiliate_clicks where id = any ($1::uuid[])', [gone]);
    expect(result.status).toBe('fail');
    const missing = result.evidence.rows?.filter((r) => r['failure_class'] === 'missing').map((r) => r['click_id']);
    expect(missing).toEqual(expect.arrayContaining(gone));
    expect(result.evidence.figures?.['failures_missing']).toBe(2);
  });

  it('fails on a conversion credited to another click (misattributed) and on commission drift', async () => {
    const [from] = world.convertedClickIds;
    const to = world.clickIds.find((id) => !world.convertedClickIds.includes(id) && id !== world.clickIds[0]);
    const result = await withFault(
      `
      with moved as (update public.affiliate_clicks set is_converted = false, order_id = null, actual_commission = null, conversion_timestamp = null
                     where id = $1 returning id)
      update public.affiliate_clicks c set is_converted = true, order_id = (select order_id from kit_truth.conversions where expected_click_id = $1 and expected_class = 'attributed'),
        conversion_timestamp = now(), actual_commission = 1.23 where c.id = $2 and exists (select 1 from moved)`,
      [from, to],
    );
    expect(result.status).toBe('fail');
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ failure_class: 'misattributed', click_id: to }),
    );
    expect(Number(result.evidence.figures?.['commissionDifference'])).not.toBe(0);
  });

  it('fails when a late conversion is attributed (expired) and when an orphan postback is credited', async () => {
    const late = await withFault(
      `
      update public.affiliate_clicks c set is_converted = true, conversion_timestamp = v.converted_at, order_id = v.order_id, actual_commission = v.commission
      from kit_truth.conversions v where v.expected_class = 'late' and v.expected_click_id = c.id and v.run_id = $1`,
      [world.runId],
    );
    expect(late.status).toBe('fail');
    expect(late.evidence.figures?.['failures_expired']).toBeGreaterThan(0);
    const orphan = await withFault(
      `
      update public.affiliate_clicks set is_converted = true, conversion_timestamp = now(), order_id = $2, actual_commission = 2.75
      where id = $1`,
      [world.clickIds[1], `ORD-ORPHAN-${world.runId}`],
    );
    expect(orphan.evidence.rows).toContainEqual(
      expect.objectContaining({ failure_class: 'orphan', click_id: world.clickIds[1] }),
    );
  });

  it('is insufficient-data without a judged seed run, even with load clicks', async () => {
    const result = await attributionGate.run(testContext(db.pool, { load: loadWith(world.clickIds.slice(0, 3)) }));
    expect(result.status).toBe('insufficient-data');
    expect(result.evidence.summary).toMatch(/no seeded history to reconcile/);
  });
});
