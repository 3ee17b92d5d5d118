/** lib/jwt.ts: HS256 with PostgREST's validation rules (exp/nbf/iat only when present, 30 s skew). */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtError, signJwt, verifyJwt } from '../../lib/jwt.ts';
import { localKeys } from '../../stack/server/keys.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-chars';
const NOW = 1_800_000_000;

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof JwtError ? error.reason : `not a JwtError: ${String(error)}`;
  }
}

describe('signJwt / verifyJwt', () => {
  it('round-trips claims', () => {
    const claims = { sub: 'u1', role: 'authenticated', exp: NOW + 60, nested: { a: [1, 2] } };
    expect(verifyJwt(signJwt(claims, SECRET), SECRET, NOW)).toEqual(claims);
  });

  it('checks exp, nbf and iat with 30 s of skew, and only when present', () => {
    expect(reason(() => verifyJwt(signJwt({ exp: NOW - 29 }, SECRET), SECRET, NOW))).toBeUndefined();
    expect(reason(() => verifyJwt(signJwt({ exp: NOW - 30 }, SECRET), SECRET, NOW))).toBe('expired');
    expect(reason(() => verifyJwt(signJwt({ nbf: NOW + 30 }, SECRET), SECRET, NOW))).toBeUndefined();
    expect(reason(() => verifyJwt(signJwt({ nbf: NOW + 31 }, SECRET), SECRET, NOW))).toBe('not_yet_valid');
    expect(reason(() => verifyJwt(signJwt({ iat: NOW + 31 }, SECRET), SECRET, NOW))).toBe('not_yet_valid');
    expect(reason(() => verifyJwt(signJwt({ role: 'anon' }, SECRET), SECRET, NOW))).toBeUndefined();
    expect(reason(() => verifyJwt(signJwt({ exp: 'soon' }, SECRET), SECRET, NOW))).toBe('malformed');
  });

  it('refuses a wrong secret, a changed payload, alg none and garbage', () => {
    const token = signJwt({ role: 'authenticated' }, SECRET);
    expect(reason(() => verifyJwt(token, `${SECRET}x`, NOW))).toBe('signature');
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ role: 'service_role' })).toString('base64url')}.${s}`;
    expect(reason(() => verifyJwt(tampered, SECRET, NOW))).toBe('signature');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`;
    expect(reason(() => verifyJwt(none, SECRET, NOW))).toBe('malformed');
    expect(reason(() => verifyJwt('a.b', SECRET, NOW))).toBe('malformed');
    expect(reason(() => verifyJwt('!!!.???.***', SECRET, NOW))).toBe('malformed');
  });

  it('produces standard HS256 signatures (checked independently with node:crypto)', () => {
    const token = signJwt({ role: 'anon' }, SECRET);
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(s).toBe(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'));
  });
});

describe('localKeys', () => {
  it('are deterministic anon and service_role keys like the Supabase CLI demo keys', () => {
    const a = localKeys(SECRET);
    const b = localKeys(SECRET);
    expect(a).toEqual(b);
    const anon = verifyJwt(a.anonKey, SECRET);
    const service = verifyJwt(a.serviceRoleKey, SECRET);
    expect(anon).toMatchObject({ role: 'anon', iss: 'supabase-demo' });
    expect(service).toMatchObject({ role: 'service_role', iss: 'supabase-demo' });
    expect(Number(anon.exp)).toBeGreaterThan(Date.now() / 1000 + 365 * 24 * 3600);
    expect(localKeys(`${SECRET}-other`).anonKey).not.toBe(a.anonKey);
  });
});
