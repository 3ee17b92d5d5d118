/**
 * Access tokens by password sign-in, for a target whose JWT secret the kit does not know (staging
 * without KIT_JWT_SECRET). Sign-ins go one after another as fast as the target answers; GoTrue
 * limits them per IP (Supabase default: 30 per 5 minutes) and answers 429 beyond that, so a 429
 * waits, twice as long each time in a row (from `backoffMs`, at most a minute), and tries again,
 * with a line saying so. Only a sample of users is signed in: tokens expire (1 h by default on
 * Supabase), so signing in thousands at this pace would hand k6 expired tokens.
 */
import { createClient } from '@supabase/supabase-js';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import type { SeedTarget } from './target.ts';
import { uuidText } from './uuid.ts';
import type { World } from './world.ts';

/** The first wait after a 429; GoTrue's default allows 30 sign-ins per 5 minutes, one per 10 s. */
export const SIGN_IN_BACKOFF_MS = 10_000;
/** The longest single wait, and how many 429s in a row are borne before giving up (about 10 minutes). */
const MAX_BACKOFF_MS = 60_000;
const MAX_RATE_LIMITED = 12;
/** Answers that are worth trying again: no answer, or the server's own trouble. */
const MAX_FAILURES = 5;

export async function signInTokens(
  target: SeedTarget,
  world: World,
  count: number,
  log: (line: string) => void,
  backoffMs = SIGN_IN_BACKOFF_MS,
): Promise<Map<number, string>> {
  if (!target.anonKey)
    throw new UsageError(
      'signing seeded users in needs SUPABASE_ANON_KEY (the JWT secret is not known, so tokens cannot be minted)',
    );
  const client = createClient(target.supabaseUrl, target.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const tokens = new Map<number, string>();
  const n = Math.min(count, world.params.users);
  log(`signing in ${n} users for their access tokens (the JWT secret is not known); a 429 waits and tries again`);
  let waitedMs = 0;
  for (let u = 0; u < n; u++) {
    const user = world.user(u);
    for (let limited = 0, failed = 0; ; ) {
      const { data, error } = await client.auth.signInWithPassword({ email: user.email, password: world.password() });
      if (!error && data.session) {
        if (data.user?.id !== uuidText(user.id))
          throw new EnvironmentError(`sign-in of ${user.email} returned another user (${data.user?.id})`);
        tokens.set(u, data.session.access_token);
        break;
      }
      const status = error?.status ?? 0;
      const retry =
        status === 429 ? ++limited <= MAX_RATE_LIMITED : (status >= 500 || status === 0) && ++failed <= MAX_FAILURES;
      if (!retry)
        throw new EnvironmentError(
          `sign-in of seeded user ${user.email} (${u + 1} of ${n}) failed: ${status} ${error?.message ?? 'no session'}`,
        );
      const wait = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** ((status === 429 ? limited : failed) - 1));
      log(
        `  sign-in ${u + 1}/${n}: ${status === 429 ? "rate-limited (429, GoTrue's limit)" : `answered ${status || 'nothing'}`}; waiting ${(wait / 1000).toFixed(0)} s`,
      );
      waitedMs += wait;
      await new Promise((r) => setTimeout(r, wait));
    }
    if ((u + 1) % 10 === 0 || u + 1 === n)
      log(
        `  signed in ${u + 1}/${n}${waitedMs > 0 ? ` (${(waitedMs / 1000).toFixed(0)} s waited for the rate limit)` : ''}`,
      );
  }
  return tokens;
}
