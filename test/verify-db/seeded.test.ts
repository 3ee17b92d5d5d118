// The DB gates against the real seed (seed/run.ts) rather than test-made rows: the seed's planted
// truth, the App API's own preference calculation (public.calculate_user_preferences) and the
// gates must agree that a faithful database passes. Catches contract drift between SEED and
// DB-GATES (class meanings, id formats, session keys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeed } from '../../seed/run.ts';
import attributionGate from '../../verify/gates/attribution-history.ts';
import integrityGate from '../../verify/gates/data-integrity.ts';
import preferenceGate from '../../verify/gates/preference-accuracy.ts';
import { localTarget } from '../seed/support.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import { testContext } from './context.ts';

let db: TestDatabase;
let runId: string;

beforeAll(async () => {
  db = await freshDatabase();
  const seeded = await runSeed({
    seed: 'db-gates',
    scale: 0.05,
    users: 160,
    authWriter: 'sql',
    target: await localTarget(db.url),
  });
  runId = seeded.runId;
  // The app's preference calculation, run for every seeded user as the service would after swipes.
  await db.pool.query('select public.calculate_user_preferences(user_id) from kit_truth.users where run_id = $1', [
    runId,
  ]);
});
afterAll(async () => db?.close());

describe('DB gates on a real seed run', () => {
  it('gate attribution-history passes: every planted click and conversion reconciles', async () => {
    const result = await attributionGate.run(testContext(db.pool, { seedRunIds: [runId] }));
    expect(result.evidence.rows, result.evidence.summary).toEqual([]);
    expect(result.status).toBe('pass');
    expect(Number(result.evidence.figures?.['plantedClicks'])).toBeGreaterThan(0);
  });

  it('gate data-integrity passes: counts, rows and session analytics agree', async () => {
    const result = await integrityGate.run(testContext(db.pool, { seedRunIds: [runId] }));
    expect(result.evidence.rows, result.evidence.summary).toEqual([]);
    expect(result.status).toBe('pass');
  });

  it("gate preference-accuracy judges the app's own calculation against the planted tiers", async () => {
    const result = await preferenceGate.run(testContext(db.pool, { seedRunIds: [runId] }));
    expect(result.status, `${result.measured} — ${result.evidence.summary}`).toBe('pass');
  });

  it('gate attribution-history names clicks deleted from the seeded run as missing', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      const gone = (
        await client.query<{ id: string }>(
          'delete from public.affiliate_clicks where id in (select click_id from kit_truth.clicks where run_id = $1 order by click_id limit 3) returning id::text',
          [runId],
        )
      ).rows.map((r) => r.id);
      const ctx = testContext(undefined, { seedRunIds: [runId] });
      const result = await attributionGate.run({ ...ctx, db: { query: client.query.bind(client) } as never });
      expect(result.status).toBe('fail');
      expect(
        result.evidence.rows
          ?.filter((r) => r['failure_class'] === 'missing' && r['check'] === 'seeded_clicks_missing')
          .map((r) => r['click_id']),
      ).toEqual(gone.sort());
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});
