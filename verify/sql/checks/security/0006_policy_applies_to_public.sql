-- Policies without a role clause apply to PUBLIC, anon included, and are evaluated for every
-- role; naming the role (TO authenticated) keeps anon out and skips the policy for others.
select 'policy_applies_to_public'::text as name,
       'Policy without a role'::text as title,
       'warn'::text as level,
       format('%s policy has no TO clause (applies to every role, anon included)',
              case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end) as detail,
       'Add the TO clause naming the role the policy is for.'::text as remediation,
       format('%I.%I policy %I', n.nspname, c.relname, p.polname) as object
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where p.polroles = '{0}'::oid[]
  and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
order by 6;
