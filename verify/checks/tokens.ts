/**
 * Access tokens for seeded users, minted with the target's token key: the local stack's (HS256 secret
 * or ES256 signing key), or a staging project's secret or private signing key when given.
 */
import type { VerifyContext } from '../context.ts';

/** Why users' tokens cannot be minted, and what to set. */
export const NO_TOKEN_KEY =
  "no key to mint users' access tokens: set KIT_JWT_SECRET (a project signing with the HS256 secret) or KIT_JWT_SIGNING_KEY (asymmetric signing keys)";

export async function mintUserToken(
  api: Pick<NonNullable<VerifyContext['api']>, 'userTokens'>,
  userId: string,
  email?: string,
): Promise<string> {
  if (api.userTokens === undefined) throw new Error(NO_TOKEN_KEY);
  const now = Math.floor(Date.now() / 1000);
  return api.userTokens.sign({
    sub: userId,
    role: 'authenticated',
    aud: 'authenticated',
    ...(email === undefined ? {} : { email }),
    iat: now,
    exp: now + 3600,
  });
}
