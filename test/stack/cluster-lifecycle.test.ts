/**
 * The kit's own cluster from the command line, in a throwaway state folder and port:
 * up → status shows every migration; up again changes nothing; down stops it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../stack/migrate.ts';
import { freePort } from '../support/ports.ts';
import { runScript } from '../support/run-script.ts';

describe('npm run stack (database part)', () => {
  let env: Record<string, string>;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'kit-stack-'));
    chmodSync(stateDir, 0o755); // under root the cluster runs as another OS user, who must enter it
    const [pg, api, rest] = [await freePort(), await freePort(), await freePort()];
    env = {
      HOME: os.tmpdir(),
      PATH: process.env.PATH ?? '',
      KIT_ENV_FILE: '/dev/null',
      KIT_STATE_DIR: stateDir,
      KIT_PG_PORT: String(pg),
      KIT_API_PORT: String(api),
      KIT_POSTGREST_PORT: String(rest),
    };
  });

  afterAll(async () => {
    await runScript('scripts/stack.ts', ['down'], env);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('up initialises, starts and migrates; status lists every migration as applied', async () => {
    const up = await runScript('scripts/stack.ts', ['up'], env);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`PostgreSQL started on 127.0.0.1:${env.KIT_PG_PORT}`);
    const status = await runScript('scripts/stack.ts', ['status'], env);
    expect(status.code).toBe(0);
    const total = listMigrations().length;
    expect(status.stdout).toContain(`migrations: ${total} of ${total} applied`);
    expect(status.stdout).toContain(path.join(stateDir, 'pg', 'data'));
  });

  it('up a second time starts nothing and applies nothing', async () => {
    const again = await runScript('scripts/stack.ts', ['up'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('PostgreSQL started');
    expect(again.stdout).not.toMatch(/^applied /m);
    expect(again.stdout).toContain('migrations: up to date');
  });

  it('reset drops the data and re-applies the migrations', async () => {
    const reset = await runScript('scripts/stack.ts', ['reset'], env);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('database postgres dropped and recreated');
    expect(reset.stdout).toMatch(/^applied 0001_/m);
  });

  it('down stops it, and status then says stopped with exit 3', async () => {
    const down = await runScript('scripts/stack.ts', ['down'], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('PostgreSQL stopped');
    const status = await runScript('scripts/stack.ts', ['status'], env);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/database:\s+stopped/);
  });

  it('up refuses a port that another program holds, naming KIT_PG_PORT', async () => {
    const net = await import('node:net');
    const blocker = net.createServer().listen(Number(env.KIT_PG_PORT), '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const out = await runScript('scripts/stack.ts', ['up'], env);
      expect(out.code).toBe(3);
      expect(out.stderr).toContain(
        `KIT_PG_PORT: port ${env.KIT_PG_PORT} on 127.0.0.1 is already used by another program`,
      );
    } finally {
      blocker.close();
    }
  });
});
