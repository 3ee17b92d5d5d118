-- RLS on with no policy at all: every non-bypass role sees nothing. Usually a forgotten policy.
select 'rls_enabled_no_policy'::text as name,
       'RLS enabled without a policy'::text as title,
       'info'::text as level,
       'RLS enabled and no policy: clients see no rows'::text as detail,
       'Add the policies the table''s clients need, or a comment saying it is service-only.'::text as remediation,
       format('%I.%I', n.nspname, c.relname) as object
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p')
  and c.relrowsecurity
  and n.nspname = 'public'
  and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
order by 6;
