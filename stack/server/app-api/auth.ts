/**
 * Who is calling, by the real backend's three auth styles (model/target.ts
 * AuthStyle): `bearer` (FastAPI HTTPBearer: no header 403, bad token 401), `header` (manual check:
 * no header 401), `query` (`?authorization=Bearer <t>`: missing 422). Tokens are verified locally
 * with the project's JWT secret or signing keys, as PostgREST does, instead of one Auth round trip
 * per request (defect 6).
 */
import type { FastifyRequest } from 'fastify';
import { CLOCK_SKEW_SECONDS, type JwtVerifier } from '../../../lib/jwt.ts';
import type { AuthStyle } from '../../../model/target.ts';
import { ANON, type DbIdentity } from './db.ts';
import { ApiError, ValidationError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Caller extends DbIdentity {
  readonly role: 'authenticated';
  readonly userId: string;
  readonly token: string;
}

function bearerToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/**
 * Tokens already verified, so a load of requests with the same few tokens does not pay a signature
 * check each (an HMAC, or an ECDSA/RSA verification). Entries still honour `exp`; the cache is
 * dropped whole when it grows large.
 */
const verified = new Map<string, { readonly verifier: JwtVerifier; readonly claims: Record<string, unknown> }>();
const VERIFIED_MAX = 10_000;

async function verifiedClaims(token: string, verifier: JwtVerifier): Promise<Record<string, unknown>> {
  const hit = verified.get(token);
  if (hit !== undefined && hit.verifier === verifier) {
    const exp = hit.claims['exp'];
    if (typeof exp !== 'number' || Date.now() / 1000 - CLOCK_SKEW_SECONDS < exp) return hit.claims;
    verified.delete(token);
  }
  const claims = await verifier.verify(token);
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.set(token, { verifier, claims });
  return claims;
}

async function verifyUser(token: string, verifier: JwtVerifier): Promise<Caller> {
  let claims: Record<string, unknown>;
  try {
    claims = await verifiedClaims(token, verifier);
  } catch {
    throw new ApiError(401, 'Invalid or expired token', { 'www-authenticate': 'Bearer' });
  }
  const sub = claims['sub'];
  if (claims['role'] !== 'authenticated' || typeof sub !== 'string' || !UUID.test(sub)) {
    throw new ApiError(401, 'Token is not a user access token', { 'www-authenticate': 'Bearer' });
  }
  return { role: 'authenticated', claims, userId: sub, token };
}

/** The authenticated caller of a route with the given auth style, or the style's error. */
export async function requireCaller(
  request: FastifyRequest,
  style: Exclude<AuthStyle, 'none'>,
  verifier: JwtVerifier,
): Promise<Caller> {
  if (style === 'query') {
    const raw = (request.query as Record<string, unknown> | undefined)?.['authorization'];
    if (typeof raw !== 'string' || raw === '') {
      throw new ValidationError([
        { type: 'missing', loc: ['query', 'authorization'], msg: 'Field required', input: null },
      ]);
    }
    const token = bearerToken(raw);
    if (token === undefined) throw new ApiError(401, 'Invalid authorization format; expected "Bearer <token>"');
    return verifyUser(token, verifier);
  }
  const header = request.headers.authorization;
  if (style === 'bearer') {
    const token = bearerToken(header);
    // HTTPBearer answers a missing or non-bearer header with 403 "Not authenticated".
    if (token === undefined) throw new ApiError(403, 'Not authenticated');
    return verifyUser(token, verifier);
  }
  if (header === undefined || header === '') throw new ApiError(401, 'Authorization header missing');
  const token = bearerToken(header);
  if (token === undefined) throw new ApiError(401, 'Invalid authorization header format');
  return verifyUser(token, verifier);
}

/** For public routes that do more for a signed-in caller: the caller, or anon (a bad token is ignored). */
export async function optionalCaller(request: FastifyRequest, verifier: JwtVerifier): Promise<Caller | typeof ANON> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return ANON;
  try {
    return await verifyUser(token, verifier);
  } catch {
    return ANON;
  }
}
