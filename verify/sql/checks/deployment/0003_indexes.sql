-- Every index the migrations create in public ($1 jsonb: [{table, index}]): present, on its
-- table, and usable. A failed CREATE INDEX CONCURRENTLY leaves an index that is not valid
-- (never used for reads) or not ready (not even maintained on writes). Metadata: problem
-- (index_missing, index_on_other_table, index_invalid).
with expected as (
  select e."table" as table_name, e."index" as index_name, to_regclass(format('public.%I', e."index")) as oid
  from jsonb_to_recordset($1::jsonb) as e("table" text, "index" text)
)
select 'indexes'::text as name, 'Deployment index missing, misplaced or unusable'::text as title, 'error'::text as level,
       case when e.oid is null then format('the deployment creates it on public.%I; it is not in the database', e.table_name)
            when i.indrelid is distinct from to_regclass(format('public.%I', e.table_name)) then format('on %s, the deployment puts it on public.%I', i.indrelid::regclass, e.table_name)
            else format('indisvalid = %s, indisready = %s: rebuild it (REINDEX INDEX CONCURRENTLY)', i.indisvalid, i.indisready) end as detail,
       case when e.oid is null then 'Create the index as db/migrations/ does.'
            when i.indrelid is distinct from to_regclass(format('public.%I', e.table_name)) then 'Drop the index of that name and create it on its table as db/migrations/ does.'
            else 'REINDEX INDEX CONCURRENTLY, or drop and create it again.' end as remediation,
       format('public.%I', e.index_name) as object,
       jsonb_build_object('problem', case when e.oid is null then 'index_missing'
                                          when i.indrelid is distinct from to_regclass(format('public.%I', e.table_name)) then 'index_on_other_table'
                                          else 'index_invalid' end) as metadata
from expected e
left join pg_index i on i.indexrelid = e.oid
where e.oid is null
   or i.indrelid is distinct from to_regclass(format('public.%I', e.table_name))
   or not (i.indisvalid and i.indisready and i.indislive)
order by 6, 4;
