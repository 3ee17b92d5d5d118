-- Indexes never scanned since the statistics were reset, excluding primary keys and unique
-- indexes (they enforce constraints even when no query reads them).
-- Shape: table_name, index_name, size_bytes.
select s.relname::text as table_name,
       s.indexrelname::text as index_name,
       pg_relation_size(s.indexrelid)::bigint as size_bytes
from pg_stat_user_indexes as s
join pg_index as i on i.indexrelid = s.indexrelid
where s.schemaname = 'public'
  and s.idx_scan = 0
  and not i.indisprimary
  and not i.indisunique
order by s.relname, s.indexrelname;
