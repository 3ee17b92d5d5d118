-- Permissive write policies for API roles whose condition is always true: any caller with the
-- grant may insert, change or delete any row. (SELECT USING (true) on a catalogue is a choice,
-- not a mistake, and is not reported here.)
with policies as (
  select n.nspname, c.relname, p.polname, p.polcmd, p.polroles,
         lower(regexp_replace(coalesce(pg_get_expr(p.polqual, p.polrelid), ''), '[\s()]', '', 'g')) as using_expr,
         lower(regexp_replace(coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''), '[\s()]', '', 'g')) as check_expr,
         p.polwithcheck is null as no_check
  from pg_policy p
  join pg_class c on c.oid = p.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  where p.polpermissive
    and p.polcmd in ('a', 'w', 'd', '*')
    and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
    and (p.polroles = '{0}'::oid[]
         or exists (select 1 from pg_roles r where r.oid = any (p.polroles) and r.rolname in ('anon', 'authenticated')))
)
select 'rls_policy_always_true'::text as name,
       'Write policy that is always true'::text as title,
       'warn'::text as level,
       format('%s policy for %s with %s', case polcmd when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end,
              case when polroles = '{0}'::oid[] then 'PUBLIC' else array_to_string(array(select rolname from pg_roles where oid = any (polroles) order by 1), ', ') end,
              case when polcmd in ('w', 'd', '*') and using_expr in ('true', '1=1') then 'USING (true)'
                   else 'WITH CHECK (true)' end) as detail,
       'Replace the true condition with the rule that role should follow, or drop the policy.'::text as remediation,
       format('%I.%I policy %I', nspname, relname, polname) as object
from policies
where (polcmd in ('w', 'd', '*') and using_expr in ('true', '1=1'))
   or (polcmd in ('a', 'w', '*') and check_expr in ('true', '1=1'))
   or (polcmd = 'a' and no_check)
order by 6;
