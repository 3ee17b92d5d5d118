import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET, loadConfig } from '../../lib/config.ts';
import { ExitCode, KitError } from '../../lib/errors.ts';
import { repoRoot } from '../../lib/paths.ts';
import { projectApiKeys, projectTokenSigner } from '../../lib/project-keys.ts';

const noFile = { KIT_ENV_FILE: undefined } as const;

function failure(fn: () => unknown): KitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KitError) return error;
    throw error;
  }
  throw new Error('expected a KitError');
}

describe('loadConfig', () => {
  it('defaults to the local stack ports of the Supabase CLI', () => {
    const config = loadConfig({ env: { ...noFile, HOME: '/home/x' } });
    expect(config.pg.port).toBe(54322);
    expect(config.api.port).toBe(54321);
    expect(config.jwtSecret).toBe(LOCAL_JWT_SECRET);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.loadEngine).toBe('auto');
  });

  it('lets a flag win over the environment, and an empty value fall back to the default', () => {
    const config = loadConfig({ env: { KIT_PG_PORT: '6000', KIT_API_PORT: '' }, flags: { 'pg-port': '6001' } });
    expect(config.pg.port).toBe(6001);
    expect(config.sources.KIT_PG_PORT).toBe('flag');
    expect(config.api.port).toBe(54321);
  });

  it('names every bad setting on its own line and exits 2', () => {
    const error = failure(() =>
      loadConfig({ env: { DATABASE_URL: 'mysql://x', KIT_PG_PORT: 'abc', KIT_JWT_SECRET: 'short' } }),
    );
    expect(error.exitCode).toBe(ExitCode.usage);
    const lines = error.message.split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('DATABASE_URL (from environment)'))).toContain('postgresql://');
    expect(lines.find((l) => l.includes('KIT_PG_PORT'))).toContain('"abc"');
    expect(lines.find((l) => l.includes('KIT_JWT_SECRET'))).toContain('32');
  });

  it('never echoes a secret, only its length', () => {
    const error = failure(() =>
      loadConfig({ env: { ...noFile, KIT_JWT_SECRET: 'too-short-secret', DATABASE_URL: 'postgres//u:pw@h' } }),
    );
    expect(error.message).not.toContain('too-short-secret');
    expect(error.message).not.toContain('u:pw');
    expect(error.message).toContain('received 16 characters');
  });

  it('parses defaults with the same schema as given values', () => {
    const config = loadConfig({ env: { ...noFile, SUPABASE_URL: 'https://ref.supabase.co/' } });
    expect(config.stateDir).toBe(path.join(repoRoot, '.kit'));
    expect(config.supabase.url).toBe('https://ref.supabase.co');
    expect(config.supabase.anonKey).toBeUndefined();
  });

  it('reads the file named by KIT_ENV_FILE and refuses a missing one', () => {
    const error = failure(() => loadConfig({ env: { KIT_ENV_FILE: '/nonexistent/.env' } }));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toContain('KIT_ENV_FILE');
  });
});

describe('Supabase keys and token keys', () => {
  const jwt = (claims: Record<string, unknown>) =>
    ['{"alg":"HS256","typ":"JWT"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.') +
    '.c2lnbmF0dXJl';
  const publishable = `sb_publishable_${'p'.repeat(31)}`;
  const secret = `sb_secret_${'s'.repeat(31)}`;

  it('accepts both kinds of API key and prefers the publishable and secret keys', () => {
    const legacy = loadConfig({
      env: {
        ...noFile,
        SUPABASE_ANON_KEY: jwt({ role: 'anon' }),
        SUPABASE_SERVICE_ROLE_KEY: jwt({ role: 'service_role' }),
      },
    });
    expect(projectApiKeys(legacy.supabase)).toEqual({
      anonKey: jwt({ role: 'anon' }),
      serviceRoleKey: jwt({ role: 'service_role' }),
    });
    const both = loadConfig({
      env: {
        ...noFile,
        SUPABASE_ANON_KEY: jwt({ role: 'anon' }),
        SUPABASE_SERVICE_ROLE_KEY: jwt({ role: 'service_role' }),
        SUPABASE_PUBLISHABLE_KEY: publishable,
        SUPABASE_SECRET_KEY: secret,
      },
    });
    expect(projectApiKeys(both.supabase)).toEqual({ anonKey: publishable, serviceRoleKey: secret });
  });

  it('names a key pasted into the wrong setting', () => {
    const error = failure(() =>
      loadConfig({
        env: {
          ...noFile,
          SUPABASE_ANON_KEY: publishable,
          SUPABASE_SERVICE_ROLE_KEY: jwt({ role: 'anon' }),
          SUPABASE_PUBLISHABLE_KEY: secret,
          SUPABASE_SECRET_KEY: publishable,
        },
      }),
    );
    expect(error.exitCode).toBe(ExitCode.usage);
    const line = (name: string) => error.message.split('\n').find((l) => l.includes(`${name} (from environment)`));
    expect(line('SUPABASE_ANON_KEY')).toContain('an sb_… key goes in SUPABASE_PUBLISHABLE_KEY');
    expect(line('SUPABASE_SERVICE_ROLE_KEY')).toContain('legacy service_role JWT key (role claim "service_role")');
    expect(line('SUPABASE_PUBLISHABLE_KEY')).toContain('sb_publishable_…');
    expect(line('SUPABASE_SECRET_KEY')).toContain('sb_secret_…');
    expect(error.message).not.toContain(secret);
  });

  it('mints with a private signing key, else an HS256 secret given explicitly, else signs users in', async () => {
    const jwk = {
      ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
      kid: 'k1',
    };
    const withKey = loadConfig({ env: { ...noFile, KIT_JWT_SIGNING_KEY: JSON.stringify(jwk) } });
    expect(await projectTokenSigner(withKey)).toMatchObject({ alg: 'ES256', kid: 'k1' });
    const withSecret = loadConfig({ env: { ...noFile, KIT_JWT_SECRET: 'a-project-secret-of-at-least-32-characters' } });
    expect(await projectTokenSigner(withSecret)).toMatchObject({ alg: 'HS256' });
    // The default secret is the local stack's, never a project's.
    expect(await projectTokenSigner(loadConfig({ env: { ...noFile } }))).toBeUndefined();
    const { d: _private, ...publicOnly } = jwk;
    const error = failure(() => loadConfig({ env: { ...noFile, KIT_JWT_SIGNING_KEY: JSON.stringify(publicOnly) } }));
    expect(error.message).toContain('KIT_JWT_SIGNING_KEY (from environment): expected a private EC P-256');
    expect(error.message).not.toContain(String(jwk.x));
    for (const text of ['null', '"text"', '{"kty":"oct","k":"c2VjcmV0"}'])
      expect(failure(() => loadConfig({ env: { ...noFile, KIT_JWT_SIGNING_KEY: text } })).message).toContain(
        'KIT_JWT_SIGNING_KEY (from environment): expected a private EC P-256',
      );
  });

  it('chooses the local stack keys, legacy by default', () => {
    expect(loadConfig({ env: { ...noFile } }).stackKeys).toBe('legacy');
    expect(loadConfig({ env: { ...noFile, KIT_STACK_KEYS: 'new' } }).stackKeys).toBe('new');
    expect(failure(() => loadConfig({ env: { ...noFile, KIT_STACK_KEYS: 'jwt' } })).message).toContain(
      'KIT_STACK_KEYS',
    );
  });
});
