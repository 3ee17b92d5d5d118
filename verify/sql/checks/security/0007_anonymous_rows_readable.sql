-- SELECT policies that let a client read rows with no owner (`user_id IS NULL`): anonymous
-- visitors' IP addresses, user agents and UTM data become readable by every other client.
select 'anonymous_rows_readable'::text as name,
       'Rows without an owner readable by clients'::text as title,
       'error'::text as level,
       format('readable by %s: USING %s',
              case when p.polroles = '{0}'::oid[] then 'PUBLIC' else array_to_string(array(select rolname from pg_roles where oid = any (p.polroles) order by 1), ', ') end,
              pg_get_expr(p.polqual, p.polrelid)) as detail,
       'Decide who may read rows without an owner; usually only the service role, so the SELECT policy keeps its owner clause alone.'::text as remediation,
       format('%I.%I policy %I', n.nspname, c.relname, p.polname) as object
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where p.polpermissive
  and p.polcmd in ('r', '*')
  and pg_get_expr(p.polqual, p.polrelid) ~* 'user_id\s+is\s+null'
  and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
  and (p.polroles = '{0}'::oid[]
       or exists (select 1 from pg_roles r where r.oid = any (p.polroles) and r.rolname in ('anon', 'authenticated')))
order by 6;
