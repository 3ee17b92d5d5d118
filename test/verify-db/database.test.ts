// The database gate on a real database: index lookups on a large table pass; the same workload
// after dropping its index fails naming the table; an empty database is insufficient-data. The
// connection figures come from the sampler's file beside the (fake) load run.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import databaseGate from '../../verify/gates/database.ts';
import { existsSync } from 'node:fs';
import { summariseSamples, watchDatabase, writeSamples } from '../../verify/sampler.ts';
import { resetStats } from '../../verify/stats.ts';
import { freshDatabase } from '../support/db.ts';
import type { TestDatabase } from '../support/db.ts';
import { testContext } from './context.ts';

let db: TestDatabase;
let empty: TestDatabase;
let runDir: string;
const loadIn = (dir: string): LoadEvidence => ({ sources: [{ runDir: dir }], clickIds: [], writes: [] }) as unknown as LoadEvidence;

/** 150 lookups by brand (an indexed column), with the statistics flushed before returning. */
async function workload(): Promise<void> {
  const client = await db.pool.connect();
  try {
    for (let i = 0; i < 150; i += 1) await client.query('select id from public.products where brand = $1', [`brand-${i % 200}`]);
    await client.query('select pg_stat_force_next_flush()');
  } finally {
    client.release();
  }
  // The flush happens when that backend goes idle; wait until the counters show the scans.
  for (let tries = 0; tries < 50; tries += 1) {
    const r = await db.pool.query<{ n: string }>("select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as n from pg_stat_user_tables where relname = 'products'");
    if (Number(r.rows[0]?.n ?? 0) >= 150) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  [db, empty] = await Promise.all([freshDatabase(), freshDatabase()]);
  await db.pool.query(`insert into public.products (title, brand, category_id)
    select 'p' || g, 'brand-' || (g % 200), (select id from public.categories order by slug limit 1) from generate_series(1, 3000) g`);
  await db.pool.query('analyze public.products');
  runDir = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
  // What the load command does around k6: reset, sample, write db-samples.json.
  const watch = await watchDatabase(db.url, runDir, 50);
  await new Promise((resolve) => setTimeout(resolve, 300));
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
});

describe('database gate', () => {
  it('passes when the large table is read through its index', async () => {
    expect((await resetStats(db.pool)).problems).toEqual([]);
    await workload();
    const result = await databaseGate.run(testContext(db.pool, { load: loadIn(runDir) }));
    expect(['pass', 'warn']).toContain(result.status);
    const f = result.evidence.figures ?? {};
    expect(f['indexUsageOverall']).toBe(1);
    expect(String(f['connectionSource'])).toMatch(/samples taken during the run/);
    expect(Number(f['maxConnections'])).toBeGreaterThan(0);
    expect(result.evidence.rows).toContainEqual(expect.objectContaining({ check: 'top_by_total_exec_time' }));
    expect(Date.parse(String(f['statsResetAt']))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('warns when the counters were reset long before the run', async () => {
    const result = await databaseGate.run(testContext(db.pool, { load: loadIn(runDir), statsWindow: { startedAt: new Date(Date.now() + 3_600_000).toISOString(), finishedAt: new Date(Date.now() + 7_200_000).toISOString() } }));
    expect(result.status).toBe('warn');
    expect(result.evidence.summary).toMatch(/before the run started/);
  });

  it('fails when the samples taken during the run show connections at 80% of max_connections', async () => {
    const busy = mkdtempSync(path.join(os.tmpdir(), 'kit-db-samples-'));
    const samples = Array.from({ length: 20 }, (_, i) => ({ t: 1_700_000_000_000 + i * 1000, connections: 40 + i * 2, active: 10 + i }));
    await writeSamples(busy, summariseSamples(samples, { maxConnections: 100, reservedConnections: 3 }, 1000));
    const result = await databaseGate.run(testContext(db.pool, { load: loadIn(busy) }));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toMatch(/connection utilisation 0\.780 \(78\/100\)/);
    expect(result.evidence.figures?.['activePeak']).toBe(29);
  });

  it('fails after the index is dropped, naming the table', async () => {
    await db.pool.query('drop index public.idx_products_brand');
    await resetStats(db.pool);
    await workload();
    const result = await databaseGate.run(testContext(db.pool));
    expect(result.status).toBe('fail');
    expect(result.evidence.summary).toMatch(/products index usage 0\.000/);
    expect(result.evidence.rows).toContainEqual(expect.objectContaining({ check: 'index_usage_below', table_name: 'products' }));
    expect(result.evidence.rows).toContainEqual(expect.objectContaining({ check: 'seq_scans_on_large_table', table_name: 'products' }));
    expect(String(result.evidence.figures?.['connectionSource'])).toMatch(/one reading taken now/);
  });

  it('still judges without pg_stat_statements, saying the top statements are missing', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query('drop extension pg_stat_statements cascade');
      const result = await databaseGate.run(testContext(undefined, { db: { query: client.query.bind(client) } as never }));
      expect(result.status).toBe('fail'); // the dropped index still fails it
      expect(String(result.evidence.figures?.['statementsProblem'])).toMatch(/top statements not available: relation "extensions.pg_stat_statements" does not exist/);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('is insufficient-data with no large table scanned, and without a database', async () => {
    await resetStats(empty.pool);
    const result = await databaseGate.run(testContext(empty.pool));
    expect(result.status).toBe('insufficient-data');
    expect(result.evidence.summary).toMatch(/no table with more than 1000 rows was scanned/);
    expect((await databaseGate.run(testContext(undefined))).status).toBe('insufficient-data');
  });
});
