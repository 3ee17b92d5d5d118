/**
 * Resets the statistics the database gate reads, right before a load run, so its numbers
 * describe the run only (pg_stat_statements and the per-table/index counters).
 * Both resets need superuser or an explicit grant; the error says which one failed.
 */
import type pg from 'pg';

export interface StatsReset {
  readonly at: string;
  readonly statements: boolean;
  readonly tables: boolean;
  readonly problems: readonly string[];
}

export async function resetStats(pool: pg.Pool): Promise<StatsReset> {
  const problems: string[] = [];
  let statements = false;
  let tables = false;
  try {
    // Schema-qualified lookup: Supabase and the kit install the extension in `extensions`.
    const where = await pool.query<{ schema: string }>(
      "select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements'",
    );
    const schema = where.rows[0]?.schema;
    if (schema === undefined) problems.push('pg_stat_statements is not installed: top statements cannot be measured');
    else {
      // This database's statements only, as pg_stat_reset() below: a shared server's other databases keep theirs.
      await pool.query(
        `select ${quoteIdent(schema)}.pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)`,
      );
      statements = true;
    }
  } catch (error) {
    problems.push(`pg_stat_statements_reset() failed: ${(error as Error).message}`);
  }
  try {
    await pool.query('select pg_stat_reset()');
    tables = true;
  } catch (error) {
    problems.push(`pg_stat_reset() failed: ${(error as Error).message}`);
  }
  return { at: new Date().toISOString(), statements, tables, problems };
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
