-- SECURITY DEFINER functions in an API-exposed schema that anon may execute: callable without
-- a login through /rest/v1/rpc, running with the owner's rights. PostgreSQL grants EXECUTE to
-- PUBLIC by default, so an unreviewed function is in this state: that case is a warning. A
-- function granted to anon by name was exposed on purpose (a public RPC) and is listed as info
-- for review.
select 'security_definer_executable_by_anon'::text as name,
       'SECURITY DEFINER function executable by anon'::text as title,
       case when via_public then 'warn' else 'info' end::text as level,
       format('SECURITY DEFINER owned by %s, EXECUTE %s', owner,
              case when via_public then 'open to anon through the default PUBLIC grant'
                   else 'granted to anon by name (deliberate public RPC? review)' end) as detail,
       case when via_public then 'Revoke EXECUTE from PUBLIC and anon, grant it to the roles that call the function, and pin its search_path.'
            else 'Granted to anon by name: confirm it is meant as a public RPC, or revoke EXECUTE from anon.' end::text as remediation,
       format('%I.%I(%s)', nspname, proname, args) as object
from (
  select n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) as args, pg_get_userbyid(p.proowner) as owner,
         (p.proacl is null
          or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE')) as via_public
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  where p.prosecdef
    and n.nspname = any (string_to_array(replace(coalesce(nullif(current_setting('pgrst.db_schemas', true), ''), 'public'), ' ', ''), ','))
    and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    and has_function_privilege('anon', p.oid, 'execute')
) as f
order by 6;
