/**
 * The cluster under a normal (non-root) user: no OS user switching, the server runs as the caller.
 * When the suite itself runs as root (CI), the commands are run as `nobody` to take that path.
 */
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';
import { freePort } from '../support/ports.ts';
import { nodeBin } from '../support/run-script.ts';

const root = process.getuid?.() === 0;

describe.runIf(root)('npm run stack as a normal user', () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kit-nobody-'));
  let env: Record<string, string> = {};

  const asNobody = (action: string) =>
    exec(
      'runuser',
      [
        '-u',
        'nobody',
        '--',
        'env',
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        nodeBin,
        '--import',
        'tsx',
        path.join(repoRoot, 'scripts/stack.ts'),
        action,
      ],
      {
        cwd: repoRoot,
        timeoutMs: 120_000,
      },
    );

  afterAll(async () => {
    await asNobody('down');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts, reports and stops a cluster owned by that user', async () => {
    const nobody = {
      uid: Number((await exec('id', ['-u', 'nobody'])).stdout),
      gid: Number((await exec('id', ['-g', 'nobody'])).stdout),
    };
    chownSync(stateDir, nobody.uid, nobody.gid);
    env = {
      HOME: stateDir,
      PATH: process.env.PATH ?? '',
      TMPDIR: stateDir,
      KIT_ENV_FILE: '/dev/null',
      KIT_STATE_DIR: stateDir,
      KIT_PG_PORT: String(await freePort()),
      KIT_API_PORT: String(await freePort()),
      KIT_POSTGREST_PORT: String(await freePort()),
    };
    const up = await asNobody('up');
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).not.toContain('as OS user'); // no user switch: it already is a normal user
    const owner = await exec('stat', ['-c', '%U', path.join(stateDir, 'pg', 'data')]);
    expect(owner.stdout.trim()).toBe('nobody');
    const down = await asNobody('down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('PostgreSQL stopped');
  });
});
