-- Is pg_stat_statements installed, in which schema, and which server is this (the checklist's
-- monitoring SQL depends on the PostgreSQL version)? Shape: one row: schema and version (null when
-- the extension is not installed), server_version, server_version_num.
select n.nspname::text as schema, e.extversion as version,
       current_setting('server_version') as server_version, current_setting('server_version_num')::int as server_version_num
from (select 1) as one
left join pg_extension e on e.extname = 'pg_stat_statements'
left join pg_namespace n on n.oid = e.extnamespace
order by 1;
