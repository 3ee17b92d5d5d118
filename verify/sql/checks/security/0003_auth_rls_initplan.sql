-- Policies calling auth.uid()/jwt()/role()/email() or current_setting() directly: the call is
-- evaluated for every row instead of once per statement. The fix is `(select auth.uid())`,
-- which PostgreSQL deparses as `( SELECT auth.uid() AS uid)`; those wrapped calls are removed
-- before looking for a bare one.
with policies as (
  select n.nspname, c.relname, p.polname,
         coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') as expr
  from pg_policy p
  join pg_class c on c.oid = p.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  where c.relrowsecurity
    and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
)
select 'auth_rls_initplan'::text as name,
       'Auth function called per row'::text as title,
       'warn'::text as level,
       format('calls %s per row; wrap it as (select ...)',
              substring(unwrapped from '(auth\.(uid|jwt|role|email)\(\)|current_setting\()')) as detail,
       'Wrap each auth.*() / current_setting() call as (select …) by hand.'::text as remediation,
       format('%I.%I policy %I', nspname, relname, polname) as object
from (
  select *, regexp_replace(expr,
           '\(\s*select\s+(auth\.(uid|jwt|role|email)\(\)|current_setting\([^()]*\))\s+as\s+\w+\s*\)', '', 'gi') as unwrapped
  from policies
) as p
where unwrapped ~* '(auth\.(uid|jwt|role|email)\(\)|current_setting\()'
order by 6;
