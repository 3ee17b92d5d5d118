-- Top statements of this database by mean execution time, among those called at least 5 times
-- (one slow migration-like statement is not a hot path). Same shape as 0001.
select s.queryid::text as queryid,
       left(regexp_replace(s.query, '\s+', ' ', 'g'), 300) as query,
       s.calls::bigint as calls,
       round(s.total_exec_time::numeric, 3)::float8 as total_exec_ms,
       round(s.mean_exec_time::numeric, 3)::float8 as mean_exec_ms,
       s.rows::bigint as rows,
       round((s.total_exec_time / nullif(sum(s.total_exec_time) over (), 0))::numeric, 4)::float8 as share_of_total
from extensions.pg_stat_statements as s
where s.dbid = (select oid from pg_database where datname = current_database())
  and s.calls >= 5
order by s.mean_exec_time desc, s.queryid
limit 10;
