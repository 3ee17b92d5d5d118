-- kit_truth holds the seed's planted truth (archetypes, affinities, expected outcomes) that
-- the sign-off compares the app's answers against. If the app's API roles could read it, an
-- implementation could "pass" by reading the answers, and PostgREST would expose it; so no
-- API role gets USAGE (service_role included: it is the app's key, not the kit's). The seed
-- and the evaluator connect as postgres. Tables are created by a later migration.
CREATE SCHEMA IF NOT EXISTS kit_truth;
REVOKE ALL ON SCHEMA kit_truth FROM PUBLIC, anon, authenticated, service_role, authenticator;
COMMENT ON SCHEMA kit_truth IS
  'Seed ground truth; readable by the kit (postgres) only, never by the API roles.';
