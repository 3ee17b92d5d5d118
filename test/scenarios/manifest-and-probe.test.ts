import { describe, expect, it } from 'vitest';
import { parseManifest, sameBaseUrl } from '../../scenarios/lib/manifest.ts';
import {
  apiKeyProblem,
  healthProblem,
  seededProductProblem,
  targetProblem,
  tokenProblem,
} from '../../scenarios/lib/probe.ts';

const good = {
  version: 1,
  runId: 'run-1',
  target: { apiUrl: 'http://127.0.0.1:54321', supabaseUrl: 'http://127.0.0.1:54321', kind: 'local' },
  createdAt: '2026-11-25T00:00:00Z',
  users: [
    { id: 'u1', email: 'a@x.test', password: 'p', accessToken: 't1', archetype: 'gadget' },
    { id: 'u2', email: 'b@x.test', password: 'p', accessToken: 't2', archetype: 'home' },
  ],
  products: [{ id: 'p1', categoryId: 'c1', asin: 'B08N5WRWNW' }],
  categories: [{ id: 'c1', slug: 'electronics', name: 'Electronics' }],
};

describe('seed manifest', () => {
  it('parses the contract shape', () => {
    const m = parseManifest(JSON.stringify(good), 'm.json');
    expect(m.runId).toBe('run-1');
    expect(m.users.map((u) => u.accessToken)).toEqual(['t1', 't2']);
    expect(m.products[0]).toEqual({ id: 'p1', categoryId: 'c1', asin: 'B08N5WRWNW' });
  });

  it.each([
    ['{', 'is not JSON'],
    [JSON.stringify({ ...good, version: 2 }), 'expected "version": 1'],
    [JSON.stringify({ ...good, users: [good.users[0]] }), 'at least 2 users'],
    [
      JSON.stringify({ ...good, users: [{ ...good.users[0], accessToken: null }, good.users[1]] }),
      'accessToken is missing',
    ],
    [JSON.stringify({ ...good, products: [] }), 'has no products'],
    [JSON.stringify({ ...good, target: undefined }), 'target: expected an object'],
  ])('refuses a broken manifest, naming the file: %s', (text, reason) => {
    expect(() => parseManifest(text, 'reports/seed/x/manifest.json')).toThrow(
      `seed manifest reports/seed/x/manifest.json: `,
    );
    expect(() => parseManifest(text, 'm.json')).toThrow(reason);
  });

  it('compares base URLs without trailing slashes or case in the host', () => {
    expect(sameBaseUrl('http://127.0.0.1:54321/', 'http://127.0.0.1:54321')).toBe(true);
    expect(sameBaseUrl('HTTPS://API.example.test', 'https://api.example.test/')).toBe(true);
    expect(sameBaseUrl('http://127.0.0.1:54321', 'http://127.0.0.1:60000')).toBe(false);
  });
});

describe('setup probes', () => {
  const ok = { status: 200, error: '', json: [] };
  it('passes healthy answers', () => {
    expect(healthProblem('u', ok)).toBeUndefined();
    expect(apiKeyProblem('u', ok)).toBeUndefined();
    expect(tokenProblem('u', 'a@x', ok)).toBeUndefined();
    expect(seededProductProblem('p', 'r', { ...ok, json: [{ id: 'p' }] })).toBeUndefined();
    expect(targetProblem('m.json', 'http://a/', 'http://a')).toBeUndefined();
  });

  it('says what is wrong and which setting to look at', () => {
    expect(
      healthProblem('http://127.0.0.1:1/api/v1/health', {
        status: 0,
        error: 'dial: connection refused',
        json: undefined,
      }),
    ).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1\/api\/v1\/health \(dial: connection refused\).*K6_API_URL/);
    expect(apiKeyProblem('u', { status: 401, error: '', json: { message: 'Invalid API key' } })).toMatch(
      /refused K6_ANON_KEY .*"Invalid API key"/,
    );
    expect(tokenProblem('u', 'a@x', { status: 401, error: '', json: { detail: 'expired' } })).toMatch(
      /access token for a@x was refused.*npm run seed/,
    );
    expect(targetProblem('m.json', 'http://127.0.0.1:54321', 'https://staging.test')).toMatch(
      /m\.json was made for http:\/\/127\.0\.0\.1:54321, but this run targets https:\/\/staging\.test/,
    );
    expect(seededProductProblem('p9', 'run-1', ok)).toMatch(
      /product p9 of seed run run-1 is not on the target .*0 rows/,
    );
  });
});
