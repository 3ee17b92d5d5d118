// The checks that take ids from the load look each one up through its table's index, so verify's
// cost grows with the evidence, not with evidence x table size. On a database with 120,000 swipes
// and 12,000 affiliate clicks, 12,000 acknowledged writes and 12,000 load clicks, every id-lookup
// check's plan (EXPLAIN with the real parameters) has no sequential scan of a table above 10,000
// rows. The old text comparison (t.id::text = lower(w.id)) scanned the whole table per write: ~10^9
// comparisons, minutes here. The plan is the guard, not a stopwatch: what verify costs as its
// evidence grows is `npm run bench -- verify`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import realDataGate from '../../verify/gates/real-data.ts';
import { checkFile, checkFiles, queryFile, runCheck, type SqlFile } from '../../verify/sql/run.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { testContext } from './context.ts';

const SWIPES = 120_000;
const CLICKS = 12_000;
const WRITES = 10_000;
/** A table above this many rows read by a sequential scan is the regression. */
const LARGE = 10_000;

let db: TestDatabase;
let swipeIds: string[];
let clickIds: string[];
let writes: { entity: string; id: string }[];

/** Postbacks the load sent, as the attribution gate hands them to its SQL (one row per plant). */
const plants = (): string =>
  JSON.stringify(
    clickIds.slice(0, 2_000).map((id, i) => ({
      kind: i % 10 === 0 ? 'duplicate' : i % 10 === 1 ? 'unknown_click' : 'converted',
      click_id: id,
      order_id: `order-${i}`,
      user_id: '00000000-0000-4000-8000-000000000001',
      amount: 10,
      commission: 1,
    })),
  );

/** The id-lookup checks (ids from the load) and the parameters the gates hand them. */
const lookups = (): { check: SqlFile; params: unknown[] }[] => [
  { check: checkFile('real-data', 'load_writes_missing'), params: [JSON.stringify(writes)] },
  { check: checkFile('attribution', 'load_clicks_missing_or_incomplete'), params: [[], clickIds] },
  // The postback reconciliation looks clicks up by the order ids the load planted.
  ...[
    ...checkFiles('attribution/postbacks'),
    queryFile('attribution', 'postback_sums'),
    queryFile('attribution', 'expected_statistics'),
  ].map((check) => ({ check, params: [plants(), 30] })),
];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== undefined ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

beforeAll(async () => {
  db = await freshDatabase();
  swipeIds = (
    await db.pool.query<{ id: string }>(
      `insert into public.swipe_interactions (swipe_direction) select (array['left','right'])[1 + g % 2] from generate_series(1, ${SWIPES}) g returning id::text`,
    )
  ).rows.map((r) => r.id);
  clickIds = (
    await db.pool.query<{ id: string }>(
      `insert into public.affiliate_clicks (session_id, source_page, affiliate_network, affiliate_url)
     select 's' || g, 'product', 'amazon', 'https://example.com/' || g from generate_series(1, ${CLICKS}) g returning id::text`,
    )
  ).rows.map((r) => r.id);
  await db.pool.query('analyze public.swipe_interactions, public.affiliate_clicks');
  // Upper case like some APIs answer, a mock's own id and one that was never written.
  writes = [
    ...swipeIds.slice(0, WRITES).map((id, i) => ({ entity: 'swipe', id: i % 2 === 0 ? id.toUpperCase() : id })),
    ...clickIds.slice(0, 2_000).map((id) => ({ entity: 'affiliate_click', id })),
    { entity: 'swipe_session', id: 'session_1727190000000' },
    { entity: 'swipe', id: '00000000-0000-4000-8000-000000000000' },
  ];
}, 300_000);
afterAll(async () => db?.close());

describe('checks that take ids from the load', () => {
  it('find what is there and report malformed and absent ids as findings', async () => {
    const missing = await runCheck<{ problem: string; entity: string; id: string }>(
      db.pool,
      checkFile('real-data', 'load_writes_missing'),
      [JSON.stringify(writes)],
    );
    expect(missing.map(({ metadata: m }) => [m.problem, m.entity, m.id])).toEqual([
      ['write_missing', 'swipe', '00000000-0000-4000-8000-000000000000'],
      ['write_missing', 'swipe_session', 'session_1727190000000'],
    ]);
    expect(missing[1]?.detail).toMatch(/not a uuid/);
    const clicks = await runCheck<{ failure_class: string; click_id: string }>(
      db.pool,
      checkFile('attribution', 'load_clicks_missing_or_incomplete'),
      [[], [...clickIds.slice(0, 3), 'click_0a1b2c3d4e5f']],
    );
    // the planted clicks have no user and product: incomplete, found through their ids
    expect(clicks.map((c) => c.metadata.failure_class).sort()).toEqual([
      'incomplete',
      'incomplete',
      'incomplete',
      'missing',
    ]);
    expect(clicks.find((c) => c.metadata.click_id === 'click_0a1b2c3d4e5f')?.detail).toMatch(/not a uuid/);
  });

  it('never read a table above 10,000 rows with a sequential scan (EXPLAIN with the real parameters)', async () => {
    const sizes = new Map(
      (
        await db.pool.query<{ relname: string; n: number }>(
          "select c.relname::text as relname, c.reltuples::float8 as n from pg_class c join pg_namespace s on s.oid = c.relnamespace where s.nspname = 'public' and c.relkind = 'r'",
        )
      ).rows.map((r) => [r.relname, r.n]),
    );
    expect(sizes.get('swipe_interactions')).toBeGreaterThan(100_000);
    for (const { check, params } of lookups()) {
      const used = Math.max(0, ...[...check.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
      const plan = (
        await db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `explain (format json) ${check.sql}`,
          params.slice(0, used),
        )
      ).rows[0]!['QUERY PLAN'][0].Plan;
      const large = seqScans(plan).filter((table) => (sizes.get(table) ?? 0) > LARGE);
      expect(large, `${check.file} scans ${large.join(', ')} sequentially`).toEqual([]);
    }
  });

  it('the real-data gate judges the same evidence through its check', async () => {
    const load = { writes, clickIds, sources: [] } as unknown as LoadEvidence;
    const real = await realDataGate.run(testContext(db.pool, { load }));
    expect(real.evidence.figures?.['loadWrites']).toBe(writes.length);
    expect(real.evidence.figures?.['loadWritesMissing']).toBe(2);
  });
});
