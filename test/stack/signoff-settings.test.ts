/** `npm run signoff` refuses to start without its settings (all listed at once) or an unreachable target. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { runScript } from '../support/run-script.ts';

const base = { HOME: os.tmpdir(), PATH: process.env.PATH ?? '', KIT_ENV_FILE: '/dev/null' };

describe('npm run signoff -- --target staging', () => {
  it('lists every missing setting at once and exits 2', async () => {
    const out = await runScript('scripts/signoff.ts', ['--target', 'staging'], {
      ...base,
      SUPABASE_URL: 'https://abcd.supabase.co',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('5 required settings are missing');
    for (const name of [
      'SUPABASE_PUBLISHABLE_KEY',
      'SUPABASE_ANON_KEY',
      'SUPABASE_SECRET_KEY',
      'SUPABASE_SERVICE_ROLE_KEY',
      'KIT_STAGING_PROJECT_REF',
      'DATABASE_URL',
      'KIT_APP_URL',
    ]) {
      expect(out.stderr).toContain(name);
    }
    expect(out.stderr).not.toMatch(/^\s+SUPABASE_URL/m);
  });

  it('with --capacity, refuses to start without --max-rate (exit 2), listed with the other missing settings', async () => {
    const out = await runScript('scripts/signoff.ts', ['--target', 'staging', '--capacity'], {
      ...base,
      SUPABASE_URL: 'https://abcd.supabase.co',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('6 required settings are missing');
    expect(out.stderr).toContain('--max-rate N: with --capacity, the highest multiple of the baseline');
  });

  it('refuses another target with exit 2', async () => {
    const out = await runScript('scripts/signoff.ts', ['--target', 'production'], base);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--target: expected staging');
  });

  it('exits 3 naming the setting when the project cannot be reached', async () => {
    const closed = await freePort();
    const out = await runScript('scripts/signoff.ts', ['--target', 'staging'], {
      ...base,
      SUPABASE_URL: `http://127.0.0.1:${closed}`,
      SUPABASE_PUBLISHABLE_KEY: `sb_publishable_${'p'.repeat(31)}`,
      SUPABASE_SECRET_KEY: `sb_secret_${'s'.repeat(31)}`,
      KIT_STAGING_PROJECT_REF: '127.0.0.1',
      DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${closed}/postgres`,
      KIT_APP_URL: `http://127.0.0.1:${closed}`,
    });
    expect(out.code).toBe(3);
    expect(out.stderr).toContain(`SUPABASE_URL: http://127.0.0.1:${closed}/auth/v1/health cannot be reached`);
  });
});
