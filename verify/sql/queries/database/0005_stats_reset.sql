-- When this database's table and index counters were last reset (pg_stat_reset()): counters
-- older than the load run also describe what happened before it.
-- Shape: stats_reset (timestamptz as ISO text, null when never reset).
select to_char(stats_reset at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as stats_reset
from pg_stat_database
where datname = current_database();
