-- The checklist's "Performance Baseline Measurement" query, verbatim. PostgreSQL 13 renamed
-- pg_stat_statements' total_time and mean_time to total_exec_time and mean_exec_time, so on 13 and
-- later it fails as written; the gate reports that (for review) and judges the view instead.
SELECT query, calls, total_time, mean_time
FROM pg_stat_statements
ORDER BY total_time DESC
LIMIT 10;
