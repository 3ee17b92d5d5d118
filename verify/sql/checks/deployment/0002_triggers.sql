-- Every trigger the migrations create ($1 jsonb: [{table, trigger, function}]): present on its
-- table, calling its function, and enabled for ordinary sessions. tgenabled 'D' is disabled;
-- 'R' fires only for replication sessions, so the app's writes skip it too. Metadata: problem (trigger_missing,
-- trigger_wrong_function, trigger_disabled).
with expected as (
  select e."table" as table_name, e."trigger" as trigger_name, e."function" as function_name
  from jsonb_to_recordset($1::jsonb) as e("table" text, "trigger" text, "function" text)
)
select 'triggers'::text as name, 'Deployment trigger missing, wrong or disabled'::text as title, 'error'::text as level,
       case when t.oid is null then format('the deployment creates it (EXECUTE FUNCTION public.%I()); it is not on the table', e.function_name)
            when p.proname is distinct from e.function_name then format('calls %s, the deployment calls public.%I()', t.tgfoid::regprocedure, e.function_name)
            else format('ALTER TABLE … DISABLE TRIGGER left it off (tgenabled = %L): updates skip it', t.tgenabled) end as detail,
       case when t.oid is null or p.proname is distinct from e.function_name
            then 'Re-create the trigger as db/migrations/0013_triggers.sql does.'
            else 'ALTER TABLE … ENABLE TRIGGER … (ENABLE ALWAYS only if replication sessions must fire it too).' end as remediation,
       format('public.%I trigger %I', e.table_name, e.trigger_name) as object,
       jsonb_build_object('problem', case when t.oid is null then 'trigger_missing'
                                          when p.proname is distinct from e.function_name then 'trigger_wrong_function'
                                          else 'trigger_disabled' end) as metadata
from expected e
left join pg_trigger t on t.tgrelid = to_regclass(format('public.%I', e.table_name)) and t.tgname = e.trigger_name and not t.tgisinternal
left join pg_proc p on p.oid = t.tgfoid
where t.oid is null or p.proname is distinct from e.function_name or t.tgenabled in ('D', 'R')
order by 6, 4;
