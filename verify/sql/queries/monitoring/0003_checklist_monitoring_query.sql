-- The checklist's "Query Performance Monitoring" query, verbatim: it needs performance_monitoring_view
-- with these columns. Shape: the view's rows (only whether it runs is judged).
SELECT
  query, calls, total_time, mean_time,
  calls_per_hour,
  performance_grade
FROM performance_monitoring_view
ORDER BY total_time DESC
LIMIT 20;
