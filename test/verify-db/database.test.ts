// The database gate on a real database, judging the statistics snapshot a load run leaves in its
// folder (db-tables.json), never live counters: index lookups on a large, busy table pass; the same
// workload after dropping its index fails naming the table; a table with too few scans is not
// judged; scans made after the snapshot (verify's own SQL) change nothing; no snapshot is
// insufficient-data. The connection figures come from the sampler's file beside the (fake) run.
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import { mergeCriteria } from '../../verify/criteria.ts';
import { takeDbSnapshot, writeDbSnapshot } from '../../verify/db-snapshot.ts';
import databaseGate from '../../verify/gates/database.ts';
import { summariseSamples, watchDatabase, writeSamples } from '../../verify/sampler.ts';
import { resetStats } from '../../verify/stats.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import { testContext } from './context.ts';

let db: TestDatabase;
let empty: TestDatabase;
let runDir: string;
const loadIn = (dir: string): LoadEvidence =>
  ({ sources: [{ runDir: dir }], clickIds: [], writes: [] }) as unknown as LoadEvidence;
/** The workloads below scan `products` 150 times: judged with a minimum of 100 scans. */
const criteria = mergeCriteria({ indexUsageMinScans: 100 });

/** `n` lookups by brand (an indexed column), with the statistics flushed before returning. */
async function workload(n = 150): Promise<void> {
  const client = await db.pool.connect();
  try {
    for (let i = 0; i < n; i += 1)
      await client.query('select id from public.products where brand = $1', [`brand-${i % 200}`]);
    await client.query('select pg_stat_force_next_flush()');
  } finally {
    client.release();
  }
  // The flush happens when that backend goes idle; wait until the counters show the scans.
  for (let tries = 0; tries < 50; tries += 1) {
    const r = await db.pool.query<{ n: string }>(
      "select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as n from pg_stat_user_tables where relname = 'products'",
    );
    if (Number(r.rows[0]?.n ?? 0) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the load command does at the end of a run: the counters into `<dir>/db-tables.json`. */
async function snapshotInto(dir: string, pool = db.pool): Promise<void> {
  await writeDbSnapshot(dir, await takeDbSnapshot(pool));
}

beforeAll(async () => {
  [db, empty] = await Promise.all([freshDatabase(), freshDatabase()]);
  await db.pool.query(`insert into public.products (title, brand, category_id)
    select 'p' || g, 'brand-' || (g % 200), (select id from public.categories order by slug limit 1) from generate_series(1, 3000) g`);
  await db.pool.query('analyze public.products');
  runDir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
  // What the load command does around the run: reset, sample, then write db-samples.json and db-tables.json.
  const watch = await watchDatabase(db.url, runDir, 50);
  await workload();
  expect(await watch.stop()).toEqual({ file: path.join(runDir, 'db-samples.json'), problem: undefined });
});
afterAll(async () => Promise.all([db?.close(), empty?.close()]));

describe('database watch around a load run', () => {
  it('never throws for an unreachable database and says why there are no samples', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
    const watch = await watchDatabase('postgresql://postgres:postgres@127.0.0.1:1/none', dir);
    expect(watch.reset).toBeUndefined();
    const stopped = await watch.stop();
    expect(stopped.file).toBeUndefined();
    expect(stopped.problem).toMatch(/database not watched during the run/);
    expect(existsSync(path.join(dir, 'db-samples.json'))).toBe(false);
  });

  it('records the statistics of the run beside its samples', () => {
    expect(existsSync(path.join(runDir, 'db-tables.json'))).toBe(true);
    expect(existsSync(path.join(runDir, 'db-statements.json'))).toBe(true);
  });
});

describe('database gate', () => {
  it('passes when the large table was read through its index during the run', async () => {
    const result = await databaseGate.run(testContext(db.pool, { load: loadIn(runDir), criteria }));
    expect(result.status, result.evidence.summary).toBe('pass');
    const f = result.evidence.figures ?? {};
    expect(f['indexUsageOverall']).toBe(1);
    expect(f['largeTablesJudged']).toBe(1);
    expect(String(f['connectionSource'])).toMatch(/samples taken during the run/);
    expect(Number(f['maxConnections'])).toBeGreaterThan(0);
    expect(result.evidence.rows).toContainEqual(expect.objectContaining({ check: 'top_by_total_exec_time' }));
    expect(Date.parse(String(f['statsResetAt']))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('needs index usage strictly above the bound, as the checklist says (">80%"): a ratio equal to it fails', async () => {
    // Every scan of the run went through the index (ratio 1); a bound of 1 is then met, not exceeded.
    const result = await databaseGate.run(
      testContext(db.pool, { load: loadIn(runDir), criteria: mergeCriteria({ minIndexUsageRatio: 1 }) }),
    );
    expect(result.evidence.figures?.['indexUsageOverall']).toBe(1);
    expect(result.status).toBe('fail');
  });

  it("judges the snapshot only: scans made afterwards (verify's own SQL) change nothing, and no database is needed", async () => {
    const before = await databaseGate.run(testContext(undefined, { load: loadIn(runDir), criteria }));
    for (let i = 0; i < 20; i += 1) await db.pool.query("select count(*) from public.products where title like 'p%'");
    await db.pool.query('select pg_stat_force_next_flush()');
    const after = await databaseGate.run(testContext(db.pool, { load: loadIn(runDir), criteria }));
    expect(after.status).toBe(before.status);
    expect(after.measured).toBe(before.measured);
    expect(after.evidence).toEqual(before.evidence);
  });

  it('does not judge a table scanned fewer times than indexUsageMinScans, and lists it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
    await db.pool.query('drop index public.idx_products_brand');
    try {
      await resetStats(db.pool);
      await workload(20);
      await snapshotInto(dir);
      const result = await databaseGate.run(testContext(db.pool, { load: loadIn(dir), criteria }));
      expect(result.status).toBe('insufficient-data');
      expect(result.evidence.summary).toMatch(/scanned 100 times or more during the run .*products 20/);
    } finally {
      await db.pool.query('create index idx_products_brand on public.products (brand)');
    }
  });

  it('warns when the counters were reset long before the run', async () => {
    const result = await databaseGate.run(
      testContext(db.pool, {
        load: loadIn(runDir),
        criteria,
        statsWindow: {
          startedAt: new Date(Date.now() + 3_600_000).toISOString(),
          finishedAt: new Date(Date.now() + 7_200_000).toISOString(),
        },
      }),
    );
    expect(result.status).toBe('warn');
    expect(result.evidence.summary).toMatch(/before the run started/);
  });

  it('fails when the samples taken during the run show connections at 80% of max_connections', async () => {
    const busy = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
    const samples = Array.from({ length: 20 }, (_, i) => ({
      t: 1_700_000_000_000 + i * 1000,
      connections: 40 + i * 2,
      active: 10 + i,
    }));
    await writeSamples(busy, summariseSamples(samples, { maxConnections: 100, reservedConnections: 3 }, 1000));
    await snapshotInto(busy);
    const result = await databaseGate.run(testContext(db.pool, { load: loadIn(busy), criteria }));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toMatch(/connection utilisation 0\.780 \(78\/100\)/);
    expect(result.evidence.figures?.['activePeak']).toBe(29);
  });

  it('fails after the index behind a busy lookup is dropped, naming the table', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
    await db.pool.query('drop index public.idx_products_brand');
    await resetStats(db.pool);
    await workload();
    await snapshotInto(dir);
    const result = await databaseGate.run(testContext(db.pool, { load: loadIn(dir), criteria }));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toMatch(/products index usage 0\.000/);
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'index_usage_below', table_name: 'products' }),
    );
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'seq_scans_on_large_table', table_name: 'products' }),
    );
    expect(String(result.evidence.figures?.['connectionSource'])).toMatch(/not sampled during the run/);
  });

  it('still judges without pg_stat_statements, saying the top statements are missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query('drop extension pg_stat_statements cascade');
      await writeDbSnapshot(dir, await takeDbSnapshot({ query: client.query.bind(client) } as never));
    } finally {
      await client.query('rollback');
      client.release();
    }
    const result = await databaseGate.run(testContext(undefined, { load: loadIn(dir), criteria }));
    expect(result.status).toBe('fail'); // the dropped index still fails it
    expect(String(result.evidence.figures?.['statementsProblem'])).toMatch(
      /top statements not available: relation "extensions.pg_stat_statements" does not exist/,
    );
  });

  it("is insufficient-data with no large table scanned, and without the run's statistics", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
    await resetStats(empty.pool);
    await snapshotInto(dir, empty.pool);
    const result = await databaseGate.run(testContext(empty.pool, { load: loadIn(dir) }));
    expect(result.status).toBe('insufficient-data');
    expect(result.evidence.summary).toMatch(/no table with more than 1000 rows was scanned/);
    const none = await databaseGate.run(
      testContext(db.pool, { load: loadIn(mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'))) }),
    );
    expect(none.status).toBe('insufficient-data');
    expect(none.evidence.summary).toMatch(/no database statistics recorded with the run \(db-tables\.json/);
    expect((await databaseGate.run(testContext(undefined))).status).toBe('insufficient-data');
  });
});

// Statistics recorded by real default-length runs at scale 1 (seed 42, the kit's engine): the
// 5-minute baseline and the 10-minute peak of a clean stack, and a 30-second peak after dropping
// idx_swipe_interactions_user, the index behind the journeys' per-user swipe lookups. They pin the
// default indexUsageMinScans: clean runs pass, the dropped index fails.
describe('database gate on the statistics of recorded runs at scale 1', () => {
  const fixture = (name: string): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-fixture-'));
    copyFileSync(
      path.join(import.meta.dirname, 'fixtures', `${name}-db-tables.json`),
      path.join(dir, 'db-tables.json'),
    );
    return dir;
  };
  const statsWindow = (name: string) => {
    const taken = String(
      (
        JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}-db-tables.json`), 'utf8')) as {
          statsResetAt: string;
        }
      ).statsResetAt,
    );
    return { startedAt: taken, finishedAt: taken };
  };

  it.each(['scale1-baseline-5m', 'scale1-peak-10m'])('a clean %s run is not failed', async (name) => {
    const result = await databaseGate.run(
      testContext(undefined, { load: loadIn(fixture(name)), statsWindow: statsWindow(name) }),
    );
    expect(result.status, result.evidence.summary).not.toBe('fail');
    expect(result.status).not.toBe('insufficient-data');
    expect(result.evidence.figures?.['indexUsageOverall']).toBeGreaterThan(0.99);
  });

  it('a 30-second peak with the index behind a busy lookup dropped fails, naming the table', async () => {
    const name = 'scale1-peak-30s-dropped-index';
    const result = await databaseGate.run(
      testContext(undefined, { load: loadIn(fixture(name)), statsWindow: statsWindow(name) }),
    );
    expect(result.status).toBe('fail');
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'index_usage_below', table_name: 'swipe_interactions' }),
    );
  });
});
