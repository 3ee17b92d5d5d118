-- Sets of indexes on one table with the same columns, operator classes, expressions and
-- predicate: all but one are pure write cost.
-- Shape: table_name, indexes (text[]).
select format('%I.%I', n.nspname, c.relname) as table_name,
       array_agg(i.indexrelid::regclass::text order by i.indexrelid::regclass::text) as indexes
from pg_index as i
join pg_class as c on c.oid = i.indrelid
join pg_namespace as n on n.oid = c.relnamespace
where n.nspname = 'public'
group by n.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
         coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
having count(*) > 1
order by 1, 2;
