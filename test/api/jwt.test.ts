/**
 * lib/jwt.ts: HS256, ES256 and RS256 through jose, with PostgREST's validation rules (exp/nbf/iat
 * only when present, 30 s skew); the stack's keys in both modes.
 */
import { createHmac, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hs256Signer,
  hs256Verifier,
  type JwtClaims,
  JwtError,
  type JwtSigner,
  type JwtVerifier,
  jwkSigner,
  jwksVerifier,
  publicJwk,
} from '../../lib/jwt.ts';
import { localJwks, localKeys, localSigningJwk, postgrestJwtSecret } from '../../stack/server/keys.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-chars';
const NOW = 1_800_000_000;

async function reason(verifier: JwtVerifier, token: string | Promise<string>): Promise<string | undefined> {
  try {
    await verifier.verify(await token, NOW);
    return undefined;
  } catch (error) {
    return error instanceof JwtError ? error.reason : `not a JwtError: ${String(error)}`;
  }
}

function parts(token: string): { header: Record<string, unknown>; payload: JwtClaims } {
  const [h, p] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
  };
}

const ecJwk = () => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid: 'ec-1',
});
const rsaJwk = () => ({
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: 'rsa-1',
});

describe.each([
  [
    'HS256',
    async () => ({ signer: hs256Signer(SECRET), verifier: hs256Verifier(SECRET), other: hs256Signer(`${SECRET}x`) }),
  ],
  [
    'ES256',
    async () => {
      const jwk = ecJwk();
      return {
        signer: await jwkSigner(jwk),
        verifier: jwksVerifier({ keys: [publicJwk(jwk)] }),
        other: await jwkSigner({ ...ecJwk(), kid: 'ec-1' }),
      };
    },
  ],
  [
    'RS256',
    async () => {
      const jwk = rsaJwk();
      return {
        signer: await jwkSigner(jwk),
        verifier: jwksVerifier({ keys: [publicJwk(jwk)] }),
        other: await jwkSigner({ ...rsaJwk(), kid: 'rsa-1' }),
      };
    },
  ],
] as const)('%s tokens', (alg, make) => {
  let keys: { signer: JwtSigner; verifier: JwtVerifier; other: JwtSigner };
  const sign = async (claims: JwtClaims) => {
    keys ??= await make();
    return keys.signer.sign(claims);
  };

  it('round-trip their claims, with the algorithm (and kid) in the header', async () => {
    const claims = { sub: 'u1', role: 'authenticated', exp: NOW + 60, nested: { a: [1, 2] } };
    const token = await sign(claims);
    expect(await keys.verifier.verify(token, NOW)).toEqual(claims);
    expect(parts(token).header.alg).toBe(alg);
    expect(parts(token).header.kid).toBe(alg === 'HS256' ? undefined : keys.signer.kid);
  });

  it('are checked for exp, nbf and iat with 30 s of skew, and only when present', async () => {
    await sign({});
    const v = keys.verifier;
    expect(await reason(v, sign({ exp: NOW - 29 }))).toBeUndefined();
    expect(await reason(v, sign({ exp: NOW - 30 }))).toBe('expired');
    expect(await reason(v, sign({ nbf: NOW + 30 }))).toBeUndefined();
    expect(await reason(v, sign({ nbf: NOW + 31 }))).toBe('not_yet_valid');
    expect(await reason(v, sign({ iat: NOW + 31 }))).toBe('not_yet_valid');
    expect(await reason(v, sign({ role: 'anon' }))).toBeUndefined();
    expect(await reason(v, sign({ exp: 'soon' }))).toBe('malformed');
  });

  it('are refused when signed by another key, changed, unsigned or garbage', async () => {
    const token = await sign({ role: 'authenticated' });
    expect(await reason(keys.verifier, keys.other.sign({ role: 'authenticated' }))).toBe('signature');
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ role: 'service_role' })).toString('base64url')}.${s}`;
    expect(await reason(keys.verifier, tampered)).toBe('signature');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`;
    expect(await reason(keys.verifier, none)).toBe('malformed');
    expect(await reason(keys.verifier, 'a.b')).toBe('malformed');
    expect(await reason(keys.verifier, '!!!.???.***')).toBe('malformed');
  });
});

describe('kinds do not mix', () => {
  it('an HS256 verifier refuses an ES256 token and a key set refuses an HS256 token', async () => {
    const jwk = ecJwk();
    const es = await (await jwkSigner(jwk)).sign({ role: 'anon' });
    const hs = await hs256Signer(SECRET).sign({ role: 'anon' });
    expect(await reason(hs256Verifier(SECRET), es)).toBe('malformed');
    expect(await reason(jwksVerifier({ keys: [publicJwk(jwk)] }), hs)).toBe('malformed');
  });
});

describe('signatures checked independently with node:crypto', () => {
  it('HS256 is the HMAC-SHA256 of header.payload', async () => {
    const token = await hs256Signer(SECRET).sign({ role: 'anon' });
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(s).toBe(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'));
  });

  it('ES256 verifies against the public JWK the key set publishes', async () => {
    const jwk = localSigningJwk(SECRET);
    const token = await (await jwkSigner(jwk)).sign({ role: 'anon' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const key = createPublicKey({ key: publicJwk(jwk) as never, format: 'jwk' });
    const ok = nodeVerify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    );
    expect(ok).toBe(true);
  });
});

describe('localKeys', () => {
  it('legacy: deterministic anon and service_role JWT keys like the Supabase CLI demo keys', async () => {
    const a = await localKeys(SECRET);
    const b = await localKeys(SECRET, 'legacy');
    expect(a).toBe(b);
    const anon = await a.verifier.verify(a.anonKey);
    const service = await a.verifier.verify(a.serviceRoleKey);
    expect(anon).toMatchObject({ role: 'anon', iss: 'supabase-demo' });
    expect(service).toMatchObject({ role: 'service_role', iss: 'supabase-demo' });
    expect(Number(anon.exp)).toBeGreaterThan(Date.now() / 1000 + 365 * 24 * 3600);
    expect((await localKeys(`${SECRET}-other`)).anonKey).not.toBe(a.anonKey);
    expect(a.jwks).toEqual({ keys: [] });
    expect(postgrestJwtSecret(SECRET, 'legacy')).toBe(SECRET);
  });

  it('new: opaque publishable and secret keys, ES256 role tokens, a public key set, all derived from the secret', async () => {
    const keys = await localKeys(SECRET, 'new');
    expect(keys.anonKey).toMatch(/^sb_publishable_[\w-]{31}$/);
    expect(keys.serviceRoleKey).toMatch(/^sb_secret_[\w-]{31}$/);
    expect(keys.anonKey.split('.')).toHaveLength(1); // not a JWT
    expect(await keys.verifier.verify(keys.roleTokens.anon)).toMatchObject({ role: 'anon' });
    expect(await keys.verifier.verify(keys.roleTokens.service_role)).toMatchObject({ role: 'service_role' });
    expect(parts(keys.roleTokens.anon).header).toMatchObject({ alg: 'ES256', kid: keys.signer.kid });
    // Same secret, same keys in another process: derived, not random.
    expect(localSigningJwk(SECRET)).toEqual(localSigningJwk(SECRET));
    expect(localSigningJwk(SECRET).d).not.toBe(localSigningJwk(`${SECRET}-other`).d);
    const [published] = keys.jwks.keys;
    expect(published).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: keys.signer.kid });
    expect(published).not.toHaveProperty('d');
    expect(JSON.parse(postgrestJwtSecret(SECRET, 'new'))).toEqual(localJwks(SECRET, 'new'));
    // The legacy secret's tokens are not accepted in this mode.
    expect(await reason(keys.verifier, hs256Signer(SECRET).sign({ role: 'service_role' }))).toBe('malformed');
  });
});
