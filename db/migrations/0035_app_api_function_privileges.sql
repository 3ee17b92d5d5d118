-- App API part 6: close EXECUTE on the app_private helpers to PUBLIC.
-- A function is EXECUTE-able by PUBLIC when created, and `ALTER DEFAULT PRIVILEGES IN SCHEMA ...
-- REVOKE ... FROM PUBLIC` cannot take that away (per-schema defaults only add to the global ones),
-- so 0030's default-privileges line had no effect. The helpers stay callable by the roles they were
-- granted to by name (anon/authenticated/service_role); PUBLIC also lacks USAGE on app_private.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA app_private FROM PUBLIC;
