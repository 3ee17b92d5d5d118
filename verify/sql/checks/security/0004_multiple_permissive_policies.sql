-- More than one permissive policy for the same API role and action on one table: PostgreSQL
-- evaluates every one of them for every row (they are ORed), and a broad one silently wins.
-- A policy without a role clause applies to PUBLIC, so it counts for anon and authenticated.
with expanded as (
  select n.nspname, c.relname, p.polname, r.role, a.action
  from pg_policy p
  join pg_class c on c.oid = p.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  cross join lateral (
    select unnest(case when p.polroles = '{0}'::oid[] then array['anon', 'authenticated']
                       else array(select rolname::text from pg_roles where oid = any (p.polroles)) end) as role
  ) as r
  cross join lateral (
    select unnest(case p.polcmd when '*' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                                when 'r' then array['SELECT'] when 'a' then array['INSERT']
                                when 'w' then array['UPDATE'] when 'd' then array['DELETE'] end) as action
  ) as a
  where p.polpermissive
    and r.role in ('anon', 'authenticated')
    and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
)
select 'multiple_permissive_policies'::text as name,
       'Several permissive policies for one role and action'::text as title,
       'warn'::text as level,
       format('%s permissive policies: %s', count(*), string_agg(polname, ', ' order by polname)) as detail,
       'Combine the permissive policies for this role and action into one, splitting any FOR ALL policy per action first.'::text as remediation,
       format('%I.%I %s for %s', nspname, relname, action, role) as object
from expanded
group by nspname, relname, role, action
having count(*) > 1
order by 6;
