/**
 * JSON Web Tokens through `jose`, in both kinds Supabase issues: HS256 with the project's legacy JWT
 * secret, and ES256 / RS256 with an asymmetric signing key whose public half is published as a JWKS
 * (`/auth/v1/.well-known/jwks.json`).
 *
 * Verification follows PostgREST's rules so that a token the kit accepts is one PostgREST accepts too:
 * `exp`, `nbf` and `iat` are checked only when present, with 30 seconds of clock skew.
 *
 * In lib/ because the server (stack/) verifies tokens and the seed, verify and the benchmarks sign
 * them: none of those may import another's internals for it.
 */
import {
  createLocalJWKSet,
  errors,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';

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

/** The algorithms Supabase signs access tokens with: the legacy secret's, and its signing keys'. */
const ASYMMETRIC_ALGORITHMS = ['ES256', 'RS256'] as const;
type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type JwtAlgorithm = 'HS256' | AsymmetricAlgorithm;

/** Signs claims as a token; `kid` (asymmetric keys) goes into the header, as Supabase Auth writes it. */
export interface JwtSigner {
  readonly alg: JwtAlgorithm;
  readonly kid: string | undefined;
  sign(claims: JwtClaims): Promise<string>;
}

/** Verifies a token and returns its claims, or throws `JwtError` saying why it is not valid. */
export interface JwtVerifier {
  verify(token: string, nowSeconds?: number): Promise<JwtClaims>;
}

type Key = Awaited<ReturnType<typeof importJWK>>;

function signer(alg: JwtAlgorithm, kid: string | undefined, key: Key | Promise<Key>): JwtSigner {
  const header = kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid };
  return {
    alg,
    kid,
    // Claims are written as given: no iat/exp is added, so a caller's fixed claims give the same token.
    sign: async (claims) => new SignJWT(claims).setProtectedHeader(header).sign(await key),
  };
}

/**
 * The secret as a key imported once: given as bytes, jose would import it again for every token,
 * which costs more than the HMAC itself.
 */
function secretKey(secret: string): Promise<Key> {
  return importJWK({ kty: 'oct', k: Buffer.from(secret, 'utf8').toString('base64url') }, 'HS256');
}

export function hs256Signer(secret: string): JwtSigner {
  return signer('HS256', undefined, secretKey(secret));
}

/** The algorithm a private or public JWK signs with: its `alg`, else what its key type implies. */
function algorithmOf(jwk: JWK): AsymmetricAlgorithm {
  if (jwk.alg === 'ES256' || jwk.alg === 'RS256') return jwk.alg as AsymmetricAlgorithm;
  if (jwk.alg !== undefined)
    throw new TypeError(`unsupported JWK alg ${JSON.stringify(jwk.alg)}: expected ES256 or RS256`);
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  throw new TypeError(
    `unsupported JWK: kty ${JSON.stringify(jwk.kty)}, crv ${JSON.stringify(jwk.crv)} (expected EC P-256 or RSA)`,
  );
}

/** A signer from a private JWK (EC P-256 or RSA with its `d`). */
export async function jwkSigner(privateJwk: JWK): Promise<JwtSigner> {
  if (typeof privateJwk.d !== 'string') throw new TypeError('the JWK has no private part ("d")');
  const alg = algorithmOf(privateJwk);
  return signer(alg, privateJwk.kid, await importJWK(privateJwk, alg));
}

/** The public half of a private JWK, as a JWKS lists it. */
export function publicJwk(privateJwk: JWK): JWK {
  const alg = algorithmOf(privateJwk);
  const common = { kid: privateJwk.kid, alg, use: 'sig', key_ops: ['verify'] };
  if (privateJwk.kty === 'EC') return { kty: 'EC', crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y, ...common };
  return { kty: 'RSA', n: privateJwk.n, e: privateJwk.e, ...common };
}

type VerifyKey = { readonly key: Promise<Key> } | { readonly keySet: JWTVerifyGetKey };

function verifier(source: VerifyKey, algorithms: readonly JwtAlgorithm[]): JwtVerifier {
  return {
    async verify(token, nowSeconds = Math.floor(Date.now() / 1000)) {
      let claims: JwtClaims;
      try {
        const options = {
          algorithms: [...algorithms],
          clockTolerance: CLOCK_SKEW_SECONDS,
          currentDate: new Date(nowSeconds * 1000),
        };
        // Two calls, not one, so each narrows jose's overloads (a key, or a key resolver).
        const result =
          'key' in source
            ? await jwtVerify(token, await source.key, options)
            : await jwtVerify(token, source.keySet, options);
        claims = result.payload;
      } catch (error) {
        throw asJwtError(error);
      }
      // jose checks `iat` only against a maximum age; PostgREST also refuses one from the future.
      if (typeof claims.iat === 'number' && nowSeconds + CLOCK_SKEW_SECONDS < claims.iat)
        throw new JwtError('not_yet_valid', 'JWT issued at future');
      return claims;
    },
  };
}

export function hs256Verifier(secret: string): JwtVerifier {
  return verifier({ key: secretKey(secret) }, ['HS256']);
}

/** Verifies tokens signed by any key of a public key set (the `kid` picks it when present). */
export function jwksVerifier(jwks: JSONWebKeySet): JwtVerifier {
  return verifier({ keySet: createLocalJWKSet(jwks) }, ASYMMETRIC_ALGORITHMS);
}

function asJwtError(error: unknown): JwtError {
  if (error instanceof errors.JWTExpired) return new JwtError('expired', 'JWT expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed')
      return new JwtError('not_yet_valid', 'JWT not yet valid');
    return new JwtError('malformed', error.message);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new JwtError('signature', 'JWT signature does not match the configured key');
  if (error instanceof errors.JWKSNoMatchingKey)
    return new JwtError('signature', 'JWT was not signed by any key of the key set');
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new JwtError('malformed', `Wrong or unsupported encoding algorithm: ${error.message}`);
  if (error instanceof errors.JOSEError) return new JwtError('malformed', error.message);
  return new JwtError('malformed', (error as Error).message ?? String(error));
}
