-- Policies written for a table whose row level security is off: they do nothing, so the table
-- is open to whatever the grants allow while looking protected.
select 'policy_exists_rls_disabled'::text as lint,
       'error'::text as level,
       format('%I.%I', n.nspname, c.relname) as object,
       format('%s polic%s (%s) but RLS is disabled', count(*), case when count(*) = 1 then 'y' else 'ies' end,
              string_agg(p.polname, ', ' order by p.polname)) as detail
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where not c.relrowsecurity
  and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
group by n.nspname, c.relname
order by 3;
