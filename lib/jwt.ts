/**
 * HS256 JSON Web Tokens with node:crypto only.
 *
 * Verification follows PostgREST's rules so that a token the kit accepts is one PostgREST accepts too:
 * `exp`, `nbf` and `iat` are checked only when present, with 30 seconds of clock skew.
 *
 * In lib/ because the server (stack/) verifies tokens and the seed, verify and the benchmarks sign
 * them: none of those may import another's internals for it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

export type JwtErrorReason = 'malformed' | 'signature' | 'expired' | 'not_yet_valid';

export class JwtError extends Error {
  readonly reason: JwtErrorReason;
  constructor(reason: JwtErrorReason, message: string) {
    super(message);
    this.name = 'JwtError';
    this.reason = reason;
  }
}

/** Seconds of clock skew tolerated on exp/nbf/iat, as PostgREST allows. */
export const CLOCK_SKEW_SECONDS = 30;

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signJwt(claims: JwtClaims, secret: string): string {
  const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${body}.${sign(body, secret).toString('base64url')}`;
}

/** Returns the claims of a valid token, or throws `JwtError` saying why it is not valid. */
export function verifyJwt(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', `Expected 3 parts in JWT; got ${parts.length}`);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed', 'JWT header or payload is not base64url-encoded JSON');
  }
  if (!isObject(header) || header.alg !== 'HS256') {
    throw new JwtError(
      'malformed',
      `Wrong or unsupported encoding algorithm: expected HS256, received ${JSON.stringify(isObject(header) ? header.alg : header)}`,
    );
  }
  if (!isObject(payload)) throw new JwtError('malformed', 'JWT payload is not a JSON object');

  const expected = sign(`${headerPart}.${payloadPart}`, secret);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new JwtError('signature', 'JWT signature does not match the configured secret');
  }

  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'number') {
      throw new JwtError(
        'malformed',
        `JWT claim "${claim}" must be a number, received ${JSON.stringify(payload[claim])}`,
      );
    }
  }
  const { exp, nbf, iat } = payload as { exp?: number; nbf?: number; iat?: number };
  if (exp !== undefined && nowSeconds - CLOCK_SKEW_SECONDS >= exp) throw new JwtError('expired', 'JWT expired');
  if (nbf !== undefined && nowSeconds + CLOCK_SKEW_SECONDS < nbf)
    throw new JwtError('not_yet_valid', 'JWT not yet valid');
  if (iat !== undefined && nowSeconds + CLOCK_SKEW_SECONDS < iat)
    throw new JwtError('not_yet_valid', 'JWT issued at future');
  return payload;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
