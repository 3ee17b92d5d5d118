-- The kit grants everything explicitly (Supabase is retiring its blanket default grants in
-- 2026), so the local stack and a staging project behave the same under either model.

-- PG15 already removed CREATE on public from PUBLIC; USAGE is granted by name instead of
-- relying on the PUBLIC grant.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;

-- Functions are EXECUTE-able by PUBLIC by default; new ones in public must be granted by name.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
-- Make sure no Supabase-style blanket defaults exist for the API roles.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM anon, authenticated, service_role;

-- splinter's API-exposure lints read pgrst.db_schemas. `ALTER DATABASE CURRENT` is not valid
-- in PG15, so name the database dynamically. NB: CREATE DATABASE ... TEMPLATE does not copy
-- per-database settings, so a database cloned from a migrated template must re-run this
-- (or the lint run must `set local pgrst.db_schemas = 'public'`).
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET pgrst.db_schemas = %L', current_database(), 'public');
END
$$;
