-- Tables in an API-exposed schema that an API role can reach while row level security is off:
-- every row is readable (or writable) through the Data API.
-- Shape: a check (verify/sql/run.ts): name, title, level, detail, remediation, object.
select 'rls_disabled_in_public'::text as name,
       'RLS disabled in an exposed schema'::text as title,
       'error'::text as level,
       format('RLS is disabled but %s can %s it through the Data API',
              case when has_table_privilege('anon', c.oid, 'select,insert,update,delete') then 'anon' else 'authenticated' end,
              case when has_table_privilege('anon', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'select')
                   then 'read' else 'write' end) as detail,
       'Enable row level security on the table and write the policies its clients need in the same migration (enabling it alone closes the table to every client).'::text as remediation,
       format('%I.%I', n.nspname, c.relname) as object
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p')
  and not c.relrowsecurity
  and n.nspname = any (string_to_array(replace(coalesce(nullif(current_setting('pgrst.db_schemas', true), ''), 'public'), ' ', ''), ','))
  and (has_table_privilege('anon', c.oid, 'select,insert,update,delete')
       or has_table_privilege('authenticated', c.oid, 'select,insert,update,delete'))
order by 6;
