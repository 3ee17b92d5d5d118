/** Bad input to the foundation's commands: one clear line naming the setting, and the documented exit code. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPostgres } from '../../stack/postgres-binaries.ts';
import { runScript } from '../support/run-script.ts';

const baseEnv = { HOME: os.tmpdir(), KIT_ENV_FILE: '/dev/null' };

describe('stack and setup reject bad settings', () => {
  it('a malformed DATABASE_URL exits 2 with one line naming it', async () => {
    const out = await runScript('scripts/stack.ts', ['status'], {
      ...baseEnv,
      PATH: process.env.PATH ?? '',
      DATABASE_URL: 'not a url',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/DATABASE_URL \(from environment\): expected a URL like postgresql:\/\//);
    expect(out.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('an unreachable DATABASE_URL exits 3 naming the setting', async () => {
    const out = await runScript('scripts/stack.ts', ['status'], {
      ...baseEnv,
      PATH: process.env.PATH ?? '',
      DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:1/postgres',
    });
    expect(out.code).toBe(3);
    expect(out.stderr).toContain(
      'DATABASE_URL: cannot reach PostgreSQL at postgresql://postgres:***@127.0.0.1:1/postgres',
    );
  });

  it('an unknown action or flag exits 2 with the usage', async () => {
    const action = await runScript('scripts/stack.ts', ['sideways'], { ...baseEnv, PATH: process.env.PATH ?? '' });
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('expected one action of up, down, status, reset');
    const flag = await runScript('scripts/stack.ts', ['up', '--colour'], { ...baseEnv, PATH: process.env.PATH ?? '' });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--colour'");
  });

  it("setup without k6 says the kit's engine runs the load and how to get k6, and exits 0", async () => {
    const pg = await findPostgres(undefined);
    const emptyBin = mkdtempSync(path.join(os.tmpdir(), 'kit-nobin-'));
    const out = await runScript('scripts/setup.ts', [], { ...baseEnv, PATH: emptyBin, KIT_PG_BINDIR: pg.bindir });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("k6 not found: load runs on the kit's engine");
    expect(out.stdout).toContain("install k6 (1.0 or newer) from Grafana's packages");
    expect(out.stdout + out.stderr).not.toMatch(/\bGo\b|go build|go install/);
  });

  it('setup with a K6_BIN that is not k6 exits 2 naming K6_BIN', async () => {
    const out = await runScript('scripts/setup.ts', [], {
      ...baseEnv,
      PATH: process.env.PATH ?? '',
      K6_BIN: '/bin/false',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('K6_BIN: /bin/false does not run as k6');
  });
});
