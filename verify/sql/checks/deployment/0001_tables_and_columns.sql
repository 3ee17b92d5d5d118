-- The deployment's new tables with their columns ($1 jsonb: [{table, column, type}], read from
-- the deployment-tables migration). A missing table is one row; for a present table, each
-- missing column, and each column whose base type differs from the declared one (to_regtype
-- ignores length and precision, so varchar(50) vs text is a difference, numeric(5,4) vs
-- numeric(10,2) is not). Metadata (every deployment check): problem, the kind of finding
-- (table_missing, column_missing, column_type_differs here).
with expected as (
  select e."table" as table_name, e."column" as column_name, e."type" as type_name, to_regtype(e."type") as type_oid
  from jsonb_to_recordset($1::jsonb) as e("table" text, "column" text, "type" text)
), tables as (
  select distinct e.table_name, to_regclass(format('public.%I', e.table_name)) as oid from expected e
)
select 'tables_and_columns'::text as name, 'Deployment table or column missing or of another type'::text as title,
       'error'::text as level,
       'the deployment creates this table; it is not in the database'::text as detail,
       'Run the deployment''s table script (03, whose column names the app uses).'::text as remediation,
       format('public.%I', t.table_name) as object,
       jsonb_build_object('problem', 'table_missing') as metadata
from tables t where t.oid is null
union all
select 'tables_and_columns', 'Deployment table or column missing or of another type', 'error',
       case when a.attname is null then format('declared %s; the table has no such column', e.type_name)
            else format('declared %s; the column is %s', e.type_name, format_type(a.atttypid, a.atttypmod)) end,
       'Run the deployment''s table script (03, whose column names the app uses), or rename or alter the column as it declares.',
       format('public.%I.%I', e.table_name, e.column_name),
       jsonb_build_object('problem', case when a.attname is null then 'column_missing' else 'column_type_differs' end)
from expected e
join tables t on t.table_name = e.table_name and t.oid is not null
left join pg_attribute a on a.attrelid = t.oid and a.attname = e.column_name and a.attnum > 0 and not a.attisdropped
where a.attname is null or a.atttypid is distinct from e.type_oid
order by 6, 4;
