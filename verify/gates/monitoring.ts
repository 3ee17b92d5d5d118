/**
 * Is query monitoring operational? pg_stat_statements installed and collecting for this database,
 * and the checklist's own monitoring query (`performance_monitoring_view`) running without error on
 * this PostgreSQL version. The checklist's baseline query is run as written too and reported when it
 * fails: it is what the checklist tells people to type. SQL: verify/sql/queries/monitoring/, all in one
 * read-only transaction, each query in its own savepoint so one error does not hide the rest.
 */
import type pg from 'pg';
import { type Finding, finding, findingRow, gateResult, insufficient, oneLine } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import type { Gate, GateResult } from '../gate.ts';
import { queryFile, runQuery } from '../sql/run.ts';

/** The gate's findings, each with its title and what to do (docs/gates/monitoring.md; fixes.sql too). */
export const FINDINGS = {
  pg_stat_statements_missing: {
    title: 'pg_stat_statements not installed',
    level: 'warn',
    remediation: 'CREATE EXTENSION pg_stat_statements WITH SCHEMA extensions.',
  },
  pg_stat_statements_not_collecting: {
    title: 'pg_stat_statements not recording this database',
    level: 'warn',
    remediation:
      "Add it to shared_preload_libraries and restart (Supabase has it preloaded), and check pg_stat_statements.track is not 'none'.",
  },
  monitoring_view_missing: {
    title: "The checklist's monitoring view is missing",
    level: 'warn',
    remediation: "Create performance_monitoring_view on this server's pg_stat_statements column names.",
  },
  monitoring_view_broken: {
    title: "The checklist's monitoring query fails",
    level: 'warn',
    remediation: "Recreate performance_monitoring_view on this server's pg_stat_statements column names.",
  },
  checklist_baseline_query_fails: {
    title: "The checklist's baseline query fails as written",
    level: 'info',
    remediation: 'Use total_exec_time and mean_exec_time, or query the view.',
  },
} as const;

const found = (name: keyof typeof FINDINGS, object: string, detail: string): Finding =>
  finding({ name, ...FINDINGS[name], object, detail });

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
    return { rows: await runQuery<T>(client, queryFile('monitoring', name)) };
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
  const findings: Finding[] = [];
  const notes: Finding[] = [];
  const figures: Record<string, number | string | null> = {};
  let server = 'unknown';
  const client = await ctx.db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const ext = (
      await runQuery<{
        schema: string | null;
        version: string | null;
        server_version: string;
        server_version_num: number;
      }>(client, queryFile('monitoring', 'pg_stat_statements'))
    )[0];
    server = ext?.server_version ?? server;
    const pg13 = (ext?.server_version_num ?? 0) >= 130_000;
    figures['serverVersion'] = server;
    figures['pgStatStatements'] = ext?.schema ? `${ext.version} in schema ${ext.schema}` : null;
    if (!ext?.schema)
      findings.push(
        found(
          'pg_stat_statements_missing',
          'extension pg_stat_statements',
          'not installed: CREATE EXTENSION pg_stat_statements WITH SCHEMA extensions',
        ),
      );
    else {
      await client.query(`set local search_path = ${ident(ext.schema)}, public`);
      const collected = await attempt<{ statements: number; calls: string }>(client, 'statements_collected');
      if ('error' in collected)
        findings.push(
          found('pg_stat_statements_not_collecting', `${ext.schema}.pg_stat_statements`, oneLine(collected.error)),
        );
      else {
        const statements = collected.rows[0]?.statements ?? 0;
        // Whether it records, not how much: the count grows with every verify, and a verdict must not.
        figures['recording'] = statements > 0 ? 'yes' : 'no';
        if (statements === 0)
          findings.push(
            found(
              'pg_stat_statements_not_collecting',
              `${ext.schema}.pg_stat_statements`,
              'no statement of this database is recorded (pg_stat_statements.track = none, or nothing ran since the last reset)',
            ),
          );
      }
      const baseline = await attempt(client, 'checklist_baseline_query');
      if ('error' in baseline)
        notes.push(
          found(
            'checklist_baseline_query_fails',
            'checklist "Performance Baseline Measurement"',
            `${oneLine(baseline.error)}${pg13 && sqlstate(baseline.error) === '42703' ? `. ${renamedColumns(server)}; the kit's view already does` : ''}`,
          ),
        );
    }
    const view = await attempt(client, 'checklist_monitoring_query');
    if ('error' in view) {
      const missing = sqlstate(view.error) === '42P01';
      findings.push(
        found(
          missing ? 'monitoring_view_missing' : 'monitoring_view_broken',
          'public.performance_monitoring_view',
          `${missing ? 'the checklist queries it; the project never defines it' : "the checklist's query fails"}: ${oneLine(view.error)}${pg13 ? `. ${renamedColumns(server)}` : ''}`,
        ),
      );
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
      ? `${findings.length} findings: ${findings.map((f) => f.name).join(', ')}`
      : 'pg_stat_statements recording this database; the monitoring view answers',
    {
      summary:
        findings.length > 0
          ? `Failed: ${findings.map((f) => `${f.name} (${f.detail})`).join('; ')}.`
          : `Monitoring works on PostgreSQL ${server}.${notes.length > 0 ? ` For review: ${notes.map((n) => `${n.object}: ${n.detail}`).join('; ')}.` : ''}`,
      figures,
      rows: [...findings, ...notes].map(findingRow),
      links: ['#database'],
    },
  );
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
