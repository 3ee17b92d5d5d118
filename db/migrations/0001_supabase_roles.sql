-- Supabase's API roles (supabase/postgres initial schema + later role migrations).
-- Roles are cluster-global while this file runs once per database (template, test
-- databases, `reset`), so every CREATE is guarded and every attribute is re-asserted
-- with ALTER ROLE: the second database must neither fail nor keep stale attributes.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator;
  END IF;
END
$$;

-- anon/authenticated: NOLOGIN, INHERIT (Supabase switched them to INHERIT in 2023), never BYPASSRLS.
ALTER ROLE anon          NOLOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE authenticated NOLOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
-- service_role skips RLS by attribute; the kit therefore writes no USING (true) policies for it.
ALTER ROLE service_role  NOLOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS;
-- authenticator is what PostgREST logs in as; NOINHERIT so it holds no privileges until it
-- switches role per request. Password 'postgres' is for the local throwaway stack only.
ALTER ROLE authenticator LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD 'postgres';

-- Re-granting an existing membership only raises a NOTICE, so this is idempotent.
GRANT anon, authenticated, service_role TO authenticator;

-- Per-role timeouts as Supabase sets them (PostgREST applies the impersonated role's settings).
ALTER ROLE anon          SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';
ALTER ROLE authenticator SET statement_timeout = '8s';
ALTER ROLE authenticator SET lock_timeout = '8s';
