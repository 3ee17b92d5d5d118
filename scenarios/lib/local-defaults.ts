/**
 * Defaults that point the scenarios at the kit's local stack, so a plain `k6 run scenarios/smoke.ts`
 * works after `npm run stack -- up` and `npm run seed`.
 *
 * Must know: these are copies of values the Node side derives (k6 cannot import Node modules);
 * test/scenarios/local-defaults.test.ts fails when they drift from the stack's own.
 */

/** The kit's API server: gateway, Auth and App API on one port (the Supabase CLI's port). */
export const LOCAL_API_URL = 'http://127.0.0.1:54321';

/** `localKeys(LOCAL_JWT_SECRET).anonKey` from stack/server/keys.ts: public, like the Supabase CLI's demo key. */
export const LOCAL_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJpYXQiOjE2NDA5OTUyMDAsImV4cCI6MTk1NjM1NTIwMH0.6lH9MzR8JZlqh4aVO_8--IT2_clRzmhbCxS2YfbBRng';

/** `LOCAL_POSTBACK_SECRET` of stack/lifecycle.ts: the local stack's postback signing secret (never a real network's). */
export const LOCAL_POSTBACK_SECRET = 'local-postback-secret-for-the-kit-only';

/** Where `npm run seed` copies the newest local manifest, relative to the repo root. */
export const LOCAL_MANIFEST = '.kit/manifest-latest.json';
