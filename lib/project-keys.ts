/**
 * A Supabase project's keys as the kit uses them, from the settings (lib/config.ts): which API key
 * goes in `apikey` for each role, and what mints seeded users' access tokens.
 *
 * A project may carry both kinds of API key while it migrates: the publishable and secret keys win
 * over the legacy `anon` and `service_role` JWT keys, which Supabase is retiring.
 */
import type { KitConfig } from './config.ts';
import { hs256Signer, type JwtSigner, jwkSigner } from './jwt.ts';

/** How the settings are named in messages: the new key first, the legacy one as its alternative. */
export const KEY_SETTINGS = {
  anon: 'SUPABASE_PUBLISHABLE_KEY (or the legacy SUPABASE_ANON_KEY)',
  serviceRole: 'SUPABASE_SECRET_KEY (or the legacy SUPABASE_SERVICE_ROLE_KEY)',
} as const;

export interface ProjectApiKeys {
  /** The anon-role key: publishable, else the legacy `anon` JWT. */
  readonly anonKey: string | undefined;
  /** The elevated key: secret, else the legacy `service_role` JWT. */
  readonly serviceRoleKey: string | undefined;
}

export function projectApiKeys(supabase: KitConfig['supabase']): ProjectApiKeys {
  return {
    anonKey: supabase.publishableKey ?? supabase.anonKey,
    serviceRoleKey: supabase.secretKey ?? supabase.serviceRoleKey,
  };
}

/**
 * What mints access tokens on a staging project: its private signing key (asymmetric keys), else its
 * legacy HS256 secret when one was given explicitly (the default is the local stack's). Undefined:
 * neither is known, so users must be signed in.
 */
export async function projectTokenSigner(config: KitConfig): Promise<JwtSigner | undefined> {
  if (config.supabase.signingKey) return jwkSigner(config.supabase.signingKey);
  return config.sources.KIT_JWT_SECRET ? hs256Signer(config.jwtSecret) : undefined;
}
