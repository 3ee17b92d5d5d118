/** Access tokens for seeded users, minted with the target's JWT secret (known for the local stack). */
import { signJwt } from '../../lib/jwt.ts';

export function mintUserToken(userId: string, jwtSecret: string, email?: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      sub: userId,
      role: 'authenticated',
      aud: 'authenticated',
      ...(email === undefined ? {} : { email }),
      iat: now,
      exp: now + 3600,
    },
    jwtSecret,
  );
}
