-- Indexes identical apart from their name (same table, columns, operator classes, expressions,
-- predicate): pure write and storage cost.
select 'duplicate_indexes'::text as lint,
       'warn'::text as level,
       format('%I.%I', n.nspname, c.relname) as object,
       'identical indexes: ' || string_agg(i.indexrelid::regclass::text, ', ' order by i.indexrelid::regclass::text) as detail
from pg_index i
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public'
group by n.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
         coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
having count(*) > 1
order by 3;
