-- The planted truth (schema kit_truth) must stay out of the API roles' reach, or an app could
-- "pass" the accuracy and attribution gates by reading the answers. Two ways in are linted:
-- a function, view or policy in a schema an API role may use (USAGE) whose definition names
-- kit_truth (a SECURITY DEFINER function or an owner-run view reads it for the caller), and any
-- privilege an API role holds on the schema or its tables and functions. Both are errors.
with truth as (
  select n.oid from pg_namespace n where n.nspname = 'kit_truth'
), api_roles as (
  select r.oid, r.rolname from pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role', 'authenticator')
), reachable as (
  select n.oid, n.nspname from pg_namespace n
  where n.nspname not in ('kit_truth', 'pg_catalog', 'information_schema')
    and exists (select 1 from api_roles r where has_schema_privilege(r.oid, n.oid, 'USAGE'))
), referencing as (
  select 'function'::text as kind, format('%I.%I(%s)', s.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as object
  from pg_proc p join reachable s on s.oid = p.pronamespace
  where p.prokind <> 'a' and pg_get_functiondef(p.oid) ~* '\mkit_truth\M'
  union all
  select 'view', format('%I.%I', s.nspname, c.relname)
  from pg_class c join reachable s on s.oid = c.relnamespace
  where c.relkind in ('v', 'm') and pg_get_viewdef(c.oid) ~* '\mkit_truth\M'
  union all
  select 'policy', format('%I.%I policy %I', n.nspname, c.relname, pol.polname)
  from pg_policy pol join pg_class c on c.oid = pol.polrelid join pg_namespace n on n.oid = c.relnamespace
  where n.nspname <> 'kit_truth'
    and coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || ' ' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '') ~* '\mkit_truth\M'
), privileges as (
  select r.rolname, 'schema kit_truth'::text as object, p.privilege
  from api_roles r cross join truth t cross join unnest(array['USAGE', 'CREATE']) as p(privilege)
  where has_schema_privilege(r.oid, t.oid, p.privilege)
  union all
  select r.rolname, format('table kit_truth.%I', c.relname), p.privilege
  from api_roles r
  cross join truth t
  join pg_class c on c.relnamespace = t.oid
  cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) as p(privilege)
  where c.relkind in ('r', 'v', 'm', 'p', 'f')
    and has_table_privilege(r.oid, c.oid, p.privilege)
  union all
  select r.rolname, format('function kit_truth.%I(%s)', pr.proname, pg_get_function_identity_arguments(pr.oid)), 'EXECUTE'
  from api_roles r cross join truth t join pg_proc pr on pr.pronamespace = t.oid
  where has_function_privilege(r.oid, pr.oid, 'EXECUTE')
)
select 'truth_schema_reachable'::text as name, 'Planted truth within the API''s reach'::text as title, 'error'::text as level,
       format('%s in an API-reachable schema reads the truth schema kit_truth', kind) as detail,
       'Remove the API roles'' access to kit_truth and any function, view or policy in an exposed schema that reads it.'::text as remediation,
       object
from referencing
union all
select 'truth_schema_reachable', 'Planted truth within the API''s reach', 'error', format('%s holds %s on it', rolname, privilege),
       'Remove the API roles'' access to kit_truth and any function, view or policy in an exposed schema that reads it.', object
from privileges
order by 6, 4;
