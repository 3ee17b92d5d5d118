-- Index usage per public table: idx_scan / (seq_scan + idx_scan).
-- Row counts come from pg_class.reltuples as well as n_live_tup, because pg_stat_reset()
-- (run before the load) zeroes n_live_tup but not the planner's estimate.
-- Shape: table_name, est_rows, seq_scan, idx_scan, usage_ratio (null when never scanned).
select s.relname::text as table_name,
       greatest(coalesce(c.reltuples, 0), s.n_live_tup)::bigint as est_rows,
       s.seq_scan::bigint as seq_scan,
       coalesce(s.idx_scan, 0)::bigint as idx_scan,
       case when s.seq_scan + coalesce(s.idx_scan, 0) = 0 then null
            else round((coalesce(s.idx_scan, 0)::numeric / (s.seq_scan + coalesce(s.idx_scan, 0))), 4)::float8
       end as usage_ratio
from pg_stat_user_tables as s
join pg_class as c on c.oid = s.relid
where s.schemaname = 'public'
order by s.relname;
