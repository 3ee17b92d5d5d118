-- Top statements of this database by total execution time (PG13+ column names).
-- Shape: queryid, query, calls, total_exec_ms, mean_exec_ms, rows, share_of_total.
select s.queryid::text as queryid,
       left(regexp_replace(s.query, '\s+', ' ', 'g'), 300) as query,
       s.calls::bigint as calls,
       round(s.total_exec_time::numeric, 3)::float8 as total_exec_ms,
       round(s.mean_exec_time::numeric, 3)::float8 as mean_exec_ms,
       s.rows::bigint as rows,
       round((s.total_exec_time / nullif(sum(s.total_exec_time) over (), 0))::numeric, 4)::float8 as share_of_total
from extensions.pg_stat_statements as s
where s.dbid = (select oid from pg_database where datname = current_database())
order by s.total_exec_time desc, s.queryid
limit 10;
