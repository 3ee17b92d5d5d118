-- Buffer cache hit rates for heap and index blocks of user tables.
-- Shape: kind ('heap' | 'index'), hits, reads, hit_rate (null when nothing was read).
select 'heap' as kind,
       coalesce(sum(heap_blks_hit), 0)::bigint as hits,
       coalesce(sum(heap_blks_read), 0)::bigint as reads,
       round((sum(heap_blks_hit)::numeric / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0)), 5)::float8 as hit_rate
from pg_statio_user_tables
union all
select 'index',
       coalesce(sum(idx_blks_hit), 0)::bigint,
       coalesce(sum(idx_blks_read), 0)::bigint,
       round((sum(idx_blks_hit)::numeric / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0)), 5)::float8
from pg_statio_user_indexes
order by 1;
