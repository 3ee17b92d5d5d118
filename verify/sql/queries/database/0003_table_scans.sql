-- Scan counters per public table, read by the load command at the end of its run (after resetting
-- them at its start): the database gate derives index usage, idx_scan / (seq_scan + idx_scan),
-- and the sequential scans on large tables from these rows.
-- Row counts come from pg_class.reltuples as well as n_live_tup, because pg_stat_reset()
-- (run before the load) zeroes n_live_tup but not the planner's estimate.
-- Shape: table_name, est_rows, seq_scan, seq_tup_read, idx_scan.
select s.relname::text as table_name,
       greatest(coalesce(c.reltuples, 0), s.n_live_tup)::bigint as est_rows,
       s.seq_scan::bigint as seq_scan,
       s.seq_tup_read::bigint as seq_tup_read,
       coalesce(s.idx_scan, 0)::bigint as idx_scan
from pg_stat_user_tables as s
join pg_class as c on c.oid = s.relid
where s.schemaname = 'public'
order by s.relname;
