-- Sequential scans on public tables larger than $1 rows, most rows read first.
-- Shape: table_name, est_rows, seq_scan, seq_tup_read, idx_scan.
select s.relname::text as table_name,
       greatest(coalesce(c.reltuples, 0), s.n_live_tup)::bigint as est_rows,
       s.seq_scan::bigint as seq_scan,
       s.seq_tup_read::bigint as seq_tup_read,
       coalesce(s.idx_scan, 0)::bigint as idx_scan
from pg_stat_user_tables as s
join pg_class as c on c.oid = s.relid
where s.schemaname = 'public'
  and greatest(coalesce(c.reltuples, 0), s.n_live_tup) > $1::bigint
  and s.seq_scan > 0
order by s.seq_tup_read desc, s.relname;
