-- Is pg_stat_statements collecting for this database? Runs with the extension's schema on the
-- search_path. Raises "must be loaded via shared_preload_libraries" when installed but not loaded.
-- Shape: one row: statements, calls.
select count(*)::int as statements, coalesce(sum(s.calls), 0)::bigint as calls
from pg_stat_statements s
where s.dbid = (select d.oid from pg_database d where d.datname = current_database())
order by 1;
