/**
 * Access tokens by password sign-in, for a target whose JWT secret the kit does not know (staging
 * without KIT_JWT_SECRET). GoTrue limits sign-ins per IP (Supabase default: 30 per 5 minutes), so
 * the sign-ins are paced one per `intervalMs` and a 429 waits and retries. Only a sample of users is
 * signed in: tokens expire (1 h by default on Supabase), so signing in thousands at this pace would
 * hand k6 expired tokens.
 */
import { createClient } from '@supabase/supabase-js';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import type { SeedTarget } from './target.ts';
import { uuidText } from './uuid.ts';
import type { World } from './world.ts';

/** 30 per 5 minutes: GoTrue's default sign-in limit on Supabase projects. */
export const SIGN_IN_INTERVAL_MS = 10_000;

export async function signInTokens(
  target: SeedTarget,
  world: World,
  count: number,
  log: (line: string) => void,
  intervalMs = SIGN_IN_INTERVAL_MS,
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
  log(`signing in ${n} users for their access tokens, one per ${intervalMs / 1000} s (GoTrue's rate limit)`);
  for (let u = 0; u < n; u++) {
    const user = world.user(u);
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const { data, error } = await client.auth.signInWithPassword({ email: user.email, password: world.password() });
      if (!error && data.session) {
        if (data.user?.id !== uuidText(user.id))
          throw new EnvironmentError(`sign-in of ${user.email} returned another user (${data.user?.id})`);
        tokens.set(u, data.session.access_token);
        if (u + 1 < n) await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
        break;
      }
      const status = error?.status ?? 0;
      if ((status === 429 || status >= 500 || status === 0) && attempt < 6) {
        await new Promise((r) => setTimeout(r, intervalMs * attempt));
        continue;
      }
      throw new EnvironmentError(
        `sign-in of seeded user ${user.email} failed: ${status} ${error?.message ?? 'no session'}`,
      );
    }
  }
  return tokens;
}
