/** Which keys a seed target carries, and what mints its users' tokens, for both kinds of project. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { cleanCommand, resolveTarget } from '../../seed/target.ts';

const staging = {
  KIT_ENV_FILE: '/dev/null',
  SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
  KIT_STAGING_PROJECT_REF: 'abcdefghijklmnop',
  SUPABASE_PUBLISHABLE_KEY: `sb_publishable_${'p'.repeat(31)}`,
  SUPABASE_SECRET_KEY: `sb_secret_${'s'.repeat(31)}`,
};
const target = (env: Record<string, string>, kind: 'local' | 'staging' = 'staging') =>
  resolveTarget(loadConfig({ env }), kind);

describe('seed targets', () => {
  it('names the clean command as it must be typed for the target: on staging with its confirmation', async () => {
    expect(cleanCommand(await target(staging), 'run-42-ab')).toBe(
      'npm run seed -- --clean run-42-ab --target staging --confirm-target abcdefghijklmnop',
    );
    expect(cleanCommand(await target({ KIT_ENV_FILE: '/dev/null' }, 'local'), 'run-42-ab')).toBe(
      'npm run seed -- --clean run-42-ab',
    );
  });

  it('a staging project with asymmetric keys: minted with its private key when given, else signed in', async () => {
    const jwk = {
      ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
      kid: 'key-1',
    };
    const withKey = await target({ ...staging, KIT_JWT_SIGNING_KEY: JSON.stringify(jwk) });
    expect(withKey.anonKey).toBe(staging.SUPABASE_PUBLISHABLE_KEY);
    expect(withKey.serviceRoleKey).toBe(staging.SUPABASE_SECRET_KEY);
    expect(withKey.tokenSigner).toMatchObject({ alg: 'ES256', kid: 'key-1' });
    const token = await withKey.tokenSigner!.sign({ sub: 'u' });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
      alg: 'ES256',
      kid: 'key-1',
    });
    expect((await target(staging)).tokenSigner).toBeUndefined();
  });

  it('a staging project with the legacy secret given: minted with HS256', async () => {
    const withSecret = await target({ ...staging, KIT_JWT_SECRET: 'the-projects-own-secret-of-32-characters' });
    expect(withSecret.tokenSigner?.alg).toBe('HS256');
  });

  it('names both key settings when neither elevated key is given', async () => {
    const { SUPABASE_SECRET_KEY: _dropped, ...noSecret } = staging;
    await expect(target(noSecret)).rejects.toThrow(/SUPABASE_SECRET_KEY \(or the legacy SUPABASE_SERVICE_ROLE_KEY\)/);
  });

  it('the local stack in either mode: its own keys, tokens minted with its own key', async () => {
    const legacy = await target({ KIT_ENV_FILE: '/dev/null' }, 'local');
    expect(legacy.anonKey.split('.')).toHaveLength(3);
    expect(legacy.tokenSigner?.alg).toBe('HS256');
    const fresh = await target({ KIT_ENV_FILE: '/dev/null', KIT_STACK_KEYS: 'new' }, 'local');
    expect(fresh.anonKey).toMatch(/^sb_publishable_/);
    expect(fresh.serviceRoleKey).toMatch(/^sb_secret_/);
    expect(fresh.tokenSigner?.alg).toBe('ES256');
  });
});
