-- Functions in API schemas without a fixed search_path: a caller who can create objects in a
-- schema on the path can make the function resolve names to their own objects.
select 'function_search_path_mutable'::text as name,
       'Function with a mutable search_path'::text as title,
       'warn'::text as level,
       format('%sfunction without SET search_path', case when p.prosecdef then 'SECURITY DEFINER ' else '' end) as detail,
       'Pin the function''s search_path (ALTER FUNCTION … SET search_path = '''') after qualifying every name its body uses.'::text as remediation,
       format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as object
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
where n.nspname = 'public'
  and p.prokind in ('f', 'p')
  and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
  and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as cfg where cfg like 'search_path=%')
order by 6;
