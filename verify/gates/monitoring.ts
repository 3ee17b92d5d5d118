/**
 * Is query monitoring operational? pg_stat_statements installed and collecting for this database,
 * and the checklist's own monitoring query (`performance_monitoring_view`) running without error on
 * this PostgreSQL version. The checklist's baseline query is run as written too and reported when it
 * fails: it is what the checklist tells people to type. SQL: verify/sql/monitoring/, all in one
 * read-only transaction, each query in its own savepoint so one error does not hide the rest.
 */
import type pg from 'pg';
import { gateResult, insufficient, oneLine } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import type { Gate, GateResult } from '../gate.ts';
import { runCheck, sqlCheck } from '../sql/run.ts';

type Row = { readonly check: string; readonly object: string; readonly detail: string };

const gate = {
  id: 'monitoring',
  title: "Monitoring: pg_stat_statements and the checklist's monitoring query",
  level: 'warn',
  checklist: ['Enable pg_stat_statements'],
} as const;

const THRESHOLD =
  "pg_stat_statements installed and recording this database's statements; the checklist's performance_monitoring_view query runs";

/** PostgreSQL 13 renamed the columns the Aclue project's monitoring SQL reads. */
const renamedColumns = (version: string): string =>
  `The Aclue project's performance_monitoring.sql reads pg_stat_statements.total_time and mean_time, which PostgreSQL 13 renamed total_exec_time and mean_exec_time: on PostgreSQL ${version} it fails as written. Define the view on the new names with the old ones as aliases (db/migrations/0021_performance_monitoring_view.sql)`;

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Runs one check in a savepoint: its rows, or its error (the transaction stays usable). */
async function attempt<T extends object>(
  client: pg.PoolClient,
  name: string,
): Promise<{ rows: T[] } | { error: unknown }> {
  await client.query('SAVEPOINT kit_monitoring');
  try {
    return { rows: await runCheck<T>(client, sqlCheck('monitoring', name)) };
  } catch (error) {
    return { error };
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT kit_monitoring');
  }
}

const sqlstate = (error: unknown): string | undefined => (error as { code?: unknown }).code as string | undefined;

async function run(ctx: VerifyContext): Promise<GateResult> {
  if (ctx.db === undefined)
    return insufficient(gate, THRESHOLD, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  const findings: Row[] = [];
  const notes: Row[] = [];
  const figures: Record<string, number | string | null> = {};
  let server = 'unknown';
  const client = await ctx.db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const ext = (
      await runCheck<{
        schema: string | null;
        version: string | null;
        server_version: string;
        server_version_num: number;
      }>(client, sqlCheck('monitoring', 'pg_stat_statements'))
    )[0];
    server = ext?.server_version ?? server;
    const pg13 = (ext?.server_version_num ?? 0) >= 130_000;
    figures['serverVersion'] = server;
    figures['pgStatStatements'] = ext?.schema ? `${ext.version} in schema ${ext.schema}` : null;
    if (!ext?.schema)
      findings.push({
        check: 'pg_stat_statements_missing',
        object: 'extension pg_stat_statements',
        detail: 'not installed: CREATE EXTENSION pg_stat_statements WITH SCHEMA extensions',
      });
    else {
      await client.query(`set local search_path = ${ident(ext.schema)}, public`);
      const collected = await attempt<{ statements: number; calls: string }>(client, 'statements_collected');
      if ('error' in collected)
        findings.push({
          check: 'pg_stat_statements_not_collecting',
          object: `${ext.schema}.pg_stat_statements`,
          detail: oneLine(collected.error),
        });
      else {
        const statements = collected.rows[0]?.statements ?? 0;
        // Whether it records, not how much: the count grows with every verify, and a verdict must not.
        figures['recording'] = statements > 0 ? 'yes' : 'no';
        if (statements === 0)
          findings.push({
            check: 'pg_stat_statements_not_collecting',
            object: `${ext.schema}.pg_stat_statements`,
            detail:
              'no statement of this database is recorded (pg_stat_statements.track = none, or nothing ran since the last reset)',
          });
      }
      const baseline = await attempt(client, 'checklist_baseline_query');
      if ('error' in baseline)
        notes.push({
          check: 'checklist_baseline_query_fails',
          object: 'checklist "Performance Baseline Measurement"',
          detail: `${oneLine(baseline.error)}${pg13 && sqlstate(baseline.error) === '42703' ? `. ${renamedColumns(server)}; the kit's view already does` : ''}`,
        });
    }
    const view = await attempt(client, 'checklist_monitoring_query');
    if ('error' in view) {
      const missing = sqlstate(view.error) === '42P01';
      findings.push({
        check: missing ? 'monitoring_view_missing' : 'monitoring_view_broken',
        object: 'public.performance_monitoring_view',
        detail: `${missing ? 'the checklist queries it; the project never defines it' : "the checklist's query fails"}: ${oneLine(view.error)}${pg13 ? `. ${renamedColumns(server)}` : ''}`,
      });
    } else figures['monitoringView'] = 'answers';
  } catch (error) {
    return insufficient(gate, THRESHOLD, `the monitoring checks could not run: ${oneLine(error)}`);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
  const status = findings.length > 0 ? 'fail' : 'pass';
  return gateResult(
    gate,
    status,
    THRESHOLD,
    findings.length > 0
      ? `${findings.length} findings: ${findings.map((f) => f.check).join(', ')}`
      : 'pg_stat_statements recording this database; the monitoring view answers',
    {
      summary:
        findings.length > 0
          ? `Failed: ${findings.map((f) => `${f.check} (${f.detail})`).join('; ')}.`
          : `Monitoring works on PostgreSQL ${server}.${notes.length > 0 ? ` For review: ${notes.map((n) => `${n.object}: ${n.detail}`).join('; ')}.` : ''}`,
      figures,
      rows: [...findings, ...notes],
      links: ['#database'],
    },
  );
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
