/**
 * The local stack's API keys: HS256 JWTs for the `anon` and `service_role` roles, shaped like the Supabase
 * CLI's demo keys. iat/exp are fixed so the same secret always gives the same keys across runs, which lets
 * `.env` files and scripts keep them.
 */
import { signJwt } from '../../lib/jwt.ts';

export interface LocalKeys {
  readonly anonKey: string;
  readonly serviceRoleKey: string;
}

/** 2022-01-01T00:00:00Z and ten years later. */
const ISSUED_AT = 1_640_995_200;
const EXPIRES_AT = ISSUED_AT + 10 * 365 * 24 * 3600;

const cache = new Map<string, LocalKeys>();

export function localKeys(jwtSecret: string): LocalKeys {
  let keys = cache.get(jwtSecret);
  if (!keys) {
    keys = {
      anonKey: signJwt({ iss: 'supabase-demo', role: 'anon', iat: ISSUED_AT, exp: EXPIRES_AT }, jwtSecret),
      serviceRoleKey: signJwt(
        { iss: 'supabase-demo', role: 'service_role', iat: ISSUED_AT, exp: EXPIRES_AT },
        jwtSecret,
      ),
    };
    cache.set(jwtSecret, keys);
  }
  return keys;
}
