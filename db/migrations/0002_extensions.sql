-- Extensions live in their own schema, as on Supabase, so they stay out of the API's
-- exposed `public` schema and out of the RLS/duplicate-index lints.
CREATE SCHEMA IF NOT EXISTS extensions;

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;
-- Needs shared_preload_libraries=pg_stat_statements to be queryable (the cluster sets it).
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;

GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
