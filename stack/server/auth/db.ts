/**
 * The Auth face's database access: a superuser pool (GoTrue owns the auth schema the same way) and
 * per-request accounting of the time spent waiting for PostgreSQL, reported as `Server-Timing: db`.
 */
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';

const dbTime = new WeakMap<FastifyRequest, number>();

export function addDbTime(request: FastifyRequest, ms: number): void {
  dbTime.set(request, (dbTime.get(request) ?? 0) + ms);
}

export function dbTimeOf(request: FastifyRequest): number | undefined {
  return dbTime.get(request);
}

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Runs `fn` in one transaction on one pooled connection, counting its whole duration as database time. */
export async function transaction<T>(
  pool: pg.Pool,
  request: FastifyRequest,
  fn: (client: Queryable) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
    addDbTime(request, performance.now() - started);
  }
}

/** The pool as a `Queryable` whose statements count as this request's database time. */
export function timed(pool: pg.Pool, request: FastifyRequest): Queryable {
  return {
    query: (async (text: string, values?: unknown[]) => {
      const started = performance.now();
      try {
        return await pool.query(text, values);
      } finally {
        addDbTime(request, performance.now() - started);
      }
    }) as Queryable['query'],
  };
}
