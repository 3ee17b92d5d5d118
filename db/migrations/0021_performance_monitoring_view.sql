-- performance_monitoring_view: named by the deployment checklist, never defined by the
-- project. Built on the PG13+ pg_stat_statements names (total_exec_time/mean_exec_time) and
-- aliased to the old names so the checklist's query runs unchanged:
--   SELECT query, calls, total_time, mean_time, calls_per_hour, performance_grade
--   FROM performance_monitoring_view ORDER BY total_time DESC LIMIT 20;
-- Times are milliseconds. Grades use performance_monitoring.sql's thresholds
-- (mean > 1000 ms CRITICAL, > 500 ms WARNING) plus > 100 ms NEEDS_ATTENTION.
-- security_invoker: the caller's own privileges apply (a plain view would run as its owner,
-- the superuser, and hand every caller all statements' text).
CREATE VIEW public.performance_monitoring_view
WITH (security_invoker = true)
AS
SELECT
  s.queryid,
  s.query,
  s.calls,
  s.total_exec_time AS total_time,
  s.mean_exec_time  AS mean_time,
  s.rows,
  -- Rate since the statistics were last reset; at least one minute so a fresh reset does
  -- not divide by ~0.
  s.calls / GREATEST(EXTRACT(EPOCH FROM (now() - i.stats_reset)) / 3600.0, 1.0 / 60.0)
    AS calls_per_hour,
  CASE
    WHEN s.mean_exec_time > 1000 THEN 'CRITICAL'
    WHEN s.mean_exec_time > 500  THEN 'WARNING'
    WHEN s.mean_exec_time > 100  THEN 'NEEDS_ATTENTION'
    ELSE 'GOOD'
  END AS performance_grade
FROM extensions.pg_stat_statements AS s
CROSS JOIN extensions.pg_stat_statements_info AS i
-- Test databases share the cluster; show only this database's statements.
WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = current_database());

COMMENT ON VIEW public.performance_monitoring_view IS
  'pg_stat_statements for this database with the checklist''s column names; service_role only.';

REVOKE ALL ON public.performance_monitoring_view FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.performance_monitoring_view TO service_role;
-- Without pg_read_all_stats the invoker sees other roles' statements as
-- '<insufficient privilege>'; service_role is the kit's monitoring identity.
GRANT pg_read_all_stats TO service_role;
