-- Policies written for a table whose row level security is off: they do nothing, so the table
-- is open to whatever the grants allow while looking protected.
select 'policy_exists_rls_disabled'::text as name,
       'Policies on a table without RLS'::text as title,
       'error'::text as level,
       format('%s polic%s (%s) but RLS is disabled', count(*), case when count(*) = 1 then 'y' else 'ies' end,
              string_agg(p.polname, ', ' order by p.polname)) as detail,
       'Enable row level security so the policies take effect, after checking they say what the table needs.'::text as remediation,
       format('%I.%I', n.nspname, c.relname) as object
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where not c.relrowsecurity
  and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
group by n.nspname, c.relname
order by 6;
