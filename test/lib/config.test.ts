import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET, loadConfig } from '../../lib/config.ts';
import { ExitCode, KitError } from '../../lib/errors.ts';
import { repoRoot } from '../../lib/paths.ts';

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
