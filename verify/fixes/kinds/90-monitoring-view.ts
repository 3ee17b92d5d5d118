/**
 * The checklist queries `performance_monitoring_view`, which the project never defines, and its
 * monitoring SQL reads pg_stat_statements columns PostgreSQL 13 renamed. The view is built on the
 * column names this server's pg_stat_statements has (total_exec_time or total_time), in the schema
 * it is installed in, aliased to the names the checklist's query reads. Without the extension
 * there is nothing to build on: that is left to a person (it needs shared_preload_libraries).
 */
import { block, type FixBlock, type FixKind, findingKey, ident } from '../block.ts';
import { MONITORING_VIEW } from '../findings.ts';

const SERVER = `
  select (select format('%I', n.nspname) from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements') as schema,
         current_setting('server_version_num')::int as version,
         array(select a.attname::text from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_extension e on e.extnamespace = c.relnamespace
               where e.extname = 'pg_stat_statements' and c.relname = 'pg_stat_statements' and a.attnum > 0) as columns,
         exists (select 1 from pg_class c join pg_extension e on e.extnamespace = c.relnamespace
                 where e.extname = 'pg_stat_statements' and c.relname = 'pg_stat_statements_info') as has_info,
         array(select rolname::text from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by 1) as roles`;

export default {
  kind: 'monitoring-view',
  lints: ['monitoring_view_missing', 'monitoring_view_broken'],
  async plan(findings, state) {
    const blocks: FixBlock[] = [];
    for (const f of findings) {
      const s = (
        await state.db.query<{
          schema: string | null;
          version: number;
          columns: string[];
          has_info: boolean;
          roles: string[];
        }>(SERVER)
      ).rows[0];
      if (s?.schema == null) {
        state.unfixed.set(
          findingKey(f),
          'pg_stat_statements is not installed: add it to shared_preload_libraries and CREATE EXTENSION pg_stat_statements WITH SCHEMA extensions',
        );
        continue;
      }
      const col = (now: string, old: string): string => ident(s.columns.includes(now) ? now : old);
      // Rate since the statistics were last reset (PG14+ records it), else since the server started.
      const since = s.has_info ? 'i.stats_reset' : 'pg_postmaster_start_time()';
      const mean = `s.${col('mean_exec_time', 'mean_time')}`;
      const view = [
        `CREATE VIEW ${MONITORING_VIEW}${s.version >= 150000 ? ' WITH (security_invoker = true)' : ''} AS`,
        `SELECT s.queryid, s.query, s.calls, s.${col('total_exec_time', 'total_time')} AS total_time, ${mean} AS mean_time, s.rows,`,
        `  s.calls / GREATEST(EXTRACT(EPOCH FROM (now() - ${since})) / 3600.0, 1.0 / 60.0) AS calls_per_hour,`,
        `  CASE WHEN ${mean} > 1000 THEN 'CRITICAL' WHEN ${mean} > 500 THEN 'WARNING' WHEN ${mean} > 100 THEN 'NEEDS_ATTENTION' ELSE 'GOOD' END AS performance_grade`,
        `FROM ${s.schema}.pg_stat_statements AS s${s.has_info ? ` CROSS JOIN ${s.schema}.pg_stat_statements_info AS i` : ''}`,
        'WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = current_database());',
      ].join('\n');
      const clients = s.roles.filter((r) => r !== 'service_role');
      blocks.push(
        block(
          'monitoring-view',
          [findingKey(f)],
          `${MONITORING_VIEW} on ${s.schema}.pg_stat_statements's own column names`,
          "The checklist's monitoring query reads this view; the project never defines it, and its monitoring SQL uses pg_stat_statements names PostgreSQL 13 renamed.",
          [
            `DROP VIEW IF EXISTS ${MONITORING_VIEW};`,
            view,
            `REVOKE ALL ON ${MONITORING_VIEW} FROM ${['PUBLIC', ...clients.map(ident)].join(', ')};`,
            ...(s.roles.includes('service_role') ? [`GRANT SELECT ON ${MONITORING_VIEW} TO service_role;`] : []),
          ],
        ),
      );
    }
    return blocks;
  },
} satisfies FixKind;
