/**
 * The local stack's API keys and token keys, in either of the two ways a Supabase project issues them
 * (`KIT_STACK_KEYS`):
 *   - `legacy`: `anon` and `service_role` API keys that are HS256 JWTs, and access tokens signed with
 *     the same HS256 secret (the Supabase CLI's demo keys have this shape);
 *   - `new`: publishable and secret API keys (`sb_publishable_…`, `sb_secret_…`: not JWTs), access
 *     tokens signed with an ES256 signing key, its public half published as a JWKS.
 *
 * Everything is derived from the JWT secret, so the same secret always gives the same keys across
 * runs and processes (the server, PostgREST's config, the seed, verify and the tests agree without a
 * key file), which lets `.env` files and scripts keep them.
 */
import { createECDH, createHmac } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import type { STACK_KEY_MODES } from '../../lib/config.ts';
import {
  hs256Signer,
  hs256Verifier,
  type JwtSigner,
  type JwtVerifier,
  jwkSigner,
  jwksVerifier,
  publicJwk,
} from '../../lib/jwt.ts';

export type StackKeyMode = (typeof STACK_KEY_MODES)[number];

export interface LocalKeys {
  readonly mode: StackKeyMode;
  /** The anon-role API key: the legacy `anon` JWT, or the publishable key. */
  readonly anonKey: string;
  /** The elevated API key: the legacy `service_role` JWT, or the secret key. */
  readonly serviceRoleKey: string;
  /** What the gateway sends on as `Authorization` for each API key when no user token came with it. */
  readonly roleTokens: { readonly anon: string; readonly service_role: string };
  /** Signs access tokens (the Auth face) and tokens the kit mints for seeded users. */
  readonly signer: JwtSigner;
  /** Verifies access tokens (the Auth face, the App API). */
  readonly verifier: JwtVerifier;
  /** Published at `/auth/v1/.well-known/jwks.json`: the signing key's public half, none for the HS256 secret. */
  readonly jwks: JSONWebKeySet;
}

/** 2022-01-01T00:00:00Z and ten years later. */
const ISSUED_AT = 1_640_995_200;
const EXPIRES_AT = ISSUED_AT + 10 * 365 * 24 * 3600;

function derived(jwtSecret: string, purpose: string): Buffer {
  return createHmac('sha256', jwtSecret).update(`aclue-kit ${purpose}`).digest();
}

/** The stack's ES256 signing key (private JWK), derived from the JWT secret. */
export function localSigningJwk(jwtSecret: string): JWK {
  const d = derived(jwtSecret, 'es256 signing key');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // 0x04 | x | y
  return {
    kty: 'EC',
    crv: 'P-256',
    d: d.toString('base64url'),
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
    kid: derived(jwtSecret, 'es256 key id').toString('hex').slice(0, 16),
    alg: 'ES256',
  };
}

/** The stack's key set: the public half of its signing key in `new` mode, empty in `legacy` mode. */
export function localJwks(jwtSecret: string, mode: StackKeyMode): JSONWebKeySet {
  return { keys: mode === 'new' ? [publicJwk(localSigningJwk(jwtSecret))] : [] };
}

/** PostgREST's `jwt-secret`: the HS256 secret itself, or the JWKS (PostgREST accepts a key set there). */
export function postgrestJwtSecret(jwtSecret: string, mode: StackKeyMode): string {
  return mode === 'new' ? JSON.stringify(localJwks(jwtSecret, mode)) : jwtSecret;
}

/** A Supabase-style opaque API key, derived from the secret: `sb_publishable_…` or `sb_secret_…`. */
function opaqueKey(jwtSecret: string, kind: 'publishable' | 'secret'): string {
  return `sb_${kind}_${derived(jwtSecret, `${kind} api key`).toString('base64url').slice(0, 31)}`;
}

const cache = new Map<string, Promise<LocalKeys>>();

export function localKeys(jwtSecret: string, mode: StackKeyMode = 'legacy'): Promise<LocalKeys> {
  const key = `${mode}\u0000${jwtSecret}`;
  let keys = cache.get(key);
  if (!keys) {
    keys = makeKeys(jwtSecret, mode);
    cache.set(key, keys);
  }
  return keys;
}

async function makeKeys(jwtSecret: string, mode: StackKeyMode): Promise<LocalKeys> {
  const signer = mode === 'new' ? await jwkSigner(localSigningJwk(jwtSecret)) : hs256Signer(jwtSecret);
  const role = (name: string) => signer.sign({ iss: 'supabase-demo', role: name, iat: ISSUED_AT, exp: EXPIRES_AT });
  const roleTokens = { anon: await role('anon'), service_role: await role('service_role') };
  const jwks = localJwks(jwtSecret, mode);
  if (mode === 'legacy') {
    return {
      mode,
      anonKey: roleTokens.anon,
      serviceRoleKey: roleTokens.service_role,
      roleTokens,
      signer,
      verifier: hs256Verifier(jwtSecret),
      jwks,
    };
  }
  return {
    mode,
    anonKey: opaqueKey(jwtSecret, 'publishable'),
    serviceRoleKey: opaqueKey(jwtSecret, 'secret'),
    roleTokens,
    signer,
    verifier: jwksVerifier(jwks),
    jwks,
  };
}
