/**
 * Connection utilisation during a load run: pg_stat_activity sampled on an interval, so the
 * database gate can judge the peak and p95 of connections in use against max_connections
 * (a single reading after the run would only see the idle aftermath).
 * The load command starts it before k6 and writes `stop()`'s result to `<run dir>/db-samples.json`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { counterDeltas, takeDbSnapshot, writeDbSnapshot } from './db-snapshot.ts';
import { quantile } from './scoring/bootstrap.ts';
import { snapshotStatements, startStatementSnapshots } from './statements.ts';
import type { StatsReset } from './stats.ts';
import { resetStats } from './stats.ts';

export const DB_SAMPLES_FILE = 'db-samples.json';

export interface ConnectionSample {
  /** ms since the epoch */
  readonly t: number;
  /** client backends connected to the server (slots in use, idle included) */
  readonly connections: number;
  /** of those, running a statement right now */
  readonly active: number;
}

export interface Figures {
  readonly connections: number;
  readonly active: number;
}

export interface Samples {
  readonly version: 1;
  readonly intervalMs: number;
  readonly maxConnections: number;
  /** connections the server keeps for superusers; not available to the app */
  readonly reservedConnections: number;
  readonly samples: readonly ConnectionSample[];
  readonly peak: Figures;
  readonly p95: Figures;
  /** readings that failed (server busy or restarting); counted, not fatal */
  readonly errors: number;
}

const SAMPLE_SQL = `
  select count(*)::int as connections,
         count(*) filter (where state = 'active')::int as active
  from pg_stat_activity
  where backend_type = 'client backend' and pid <> pg_backend_pid()
    and application_name is distinct from 'aclue-kit-sampler'`;

export async function readConnectionLimits(
  pool: pg.Pool,
): Promise<{ maxConnections: number; reservedConnections: number }> {
  const r = await pool.query<{ max: number; reserved: number }>(
    "select current_setting('max_connections')::int as max, current_setting('superuser_reserved_connections')::int as reserved",
  );
  return { maxConnections: r.rows[0]?.max ?? 0, reservedConnections: r.rows[0]?.reserved ?? 0 };
}

export async function sampleConnections(pool: pg.Pool): Promise<ConnectionSample> {
  const r = await pool.query<{ connections: number; active: number }>(SAMPLE_SQL);
  return { t: Date.now(), connections: r.rows[0]?.connections ?? 0, active: r.rows[0]?.active ?? 0 };
}

export function summariseSamples(
  samples: readonly ConnectionSample[],
  limits: { maxConnections: number; reservedConnections: number },
  intervalMs: number,
  errors = 0,
): Samples {
  const pick = (key: keyof Figures, q: number): number => {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : quantile(sorted, q);
  };
  return {
    version: 1,
    intervalMs,
    ...limits,
    samples,
    peak: { connections: pick('connections', 1), active: pick('active', 1) },
    p95: { connections: pick('connections', 0.95), active: pick('active', 0.95) },
    errors,
  };
}

/**
 * Starts sampling at once and every `intervalMs`. The pool should have a connection to spare:
 * the sampler's own connection is excluded from the counts.
 */
export function startConnectionSampler(pool: pg.Pool, intervalMs = 1000): { stop(): Promise<Samples> } {
  const samples: ConnectionSample[] = [];
  let errors = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const limits = readConnectionLimits(pool);
  const tick = (): void => {
    inFlight = inFlight.then(() =>
      sampleConnections(pool).then(
        (s) => void samples.push(s),
        () => void (errors += 1),
      ),
    );
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      return summariseSamples(samples, await limits, intervalMs, errors);
    },
  };
}

export async function writeSamples(runDir: string, samples: Samples): Promise<string> {
  const file = path.join(runDir, DB_SAMPLES_FILE);
  await writeFile(file, `${JSON.stringify(samples, null, 2)}\n`);
  return file;
}

export interface DatabaseWatch {
  /** What was reset before the run (or why not). */
  readonly reset: StatsReset | undefined;
  /**
   * Stops sampling, writes `<runDir>/db-samples.json`, `db-statements.json` and `db-tables.json` (the
   * statistics the database gate judges), closes the connection; returns the samples file or why there is none.
   */
  stop(): Promise<{ file: string | undefined; problem: string | undefined }>;
}

/**
 * The load command's one call around k6: resets pg_stat_statements and the table counters so the
 * database gate describes this run only, then samples connections until `stop()`. Never throws for
 * an unreachable database: the run goes on, and `stop()` says why there are no samples.
 */
export async function watchDatabase(
  databaseUrl: string,
  runDir: string,
  intervalMs = 1000,
  options: { readonly statementsEveryMs?: number } = {},
): Promise<DatabaseWatch> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: 'aclue-kit-sampler' });
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
    const reset = await resetStats(pool);
    // Where the counters may not be reset, the run's share is what they gained during it.
    const before = reset.tables ? undefined : await takeDbSnapshot(pool);
    const sampler = startConnectionSampler(pool, intervalMs);
    // A capacity run's steps: what each statement took per step is the difference of two snapshots.
    const statements =
      options.statementsEveryMs === undefined ? undefined : startStatementSnapshots(pool, options.statementsEveryMs);
    return {
      reset,
      async stop() {
        try {
          const samples = await sampler.stop();
          await statements?.stop(runDir);
          // the run's top statements, for the comparison against a baseline run (statement-regressions)
          await snapshotStatements(pool, runDir);
          // The counters as the run left them: verify judges this file, never the live counters,
          // which its own checks (and any later verify) keep adding to.
          const after = await takeDbSnapshot(pool, reset);
          await writeDbSnapshot(runDir, before ? counterDeltas(after, before) : { ...after, counters: 'reset' });
          return { file: await writeSamples(runDir, samples), problem: undefined };
        } catch (error) {
          return { file: undefined, problem: `connection samples not written: ${(error as Error).message}` };
        } finally {
          await pool.end().catch(() => undefined);
        }
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    const problem = `database not watched during the run: ${(error as Error).message}`;
    return { reset: undefined, stop: async () => ({ file: undefined, problem }) };
  }
}
