/**
 * `npm test` beside a running stack: with a listener of this test's own on the stack's default ports
 * (54321, 54322; what the kit's stack or `supabase start` holds), a test run's global setup still
 * brings up its own cluster, on another port, and stops it afterwards.
 *
 * The child run gets its own TMPDIR, so its test cluster is a new one (not this run's, which it would
 * otherwise reuse) and is removed with the folder.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';
import { holdPorts } from '../support/hold-ports.ts';
import { nodeBin } from '../support/run-script.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-ports-taken-'));
chmodSync(tmp, 0o755); // under root the cluster runs as another OS user, who must enter it
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the test suite beside a stack on the default ports', () => {
  it('runs a database test file on a cluster of its own, on a free port', async () => {
    const held = await holdPorts([54321, 54322]);
    let run: Awaited<ReturnType<typeof exec>>;
    try {
      // --reporter: the child must not write the parent's JSON results file.
      run = await exec(
        nodeBin,
        [
          path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          'test/db/rls-lint.test.ts',
          '--reporter=default',
        ],
        {
          cwd: repoRoot,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? tmp,
            TMPDIR: tmp,
            KIT_ENV_FILE: '/dev/null',
            NO_COLOR: '1',
          },
          timeoutMs: 180_000,
        },
      );
    } finally {
      await held.release();
    }
    expect(run.stderr + run.stdout).not.toContain('already used by another program');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/Tests\s+8 passed/);

    const [folder] = readdirSync(tmp).filter((name) => name.startsWith('aclue-kit-test-'));
    expect(folder).toBeDefined();
    const data = path.join(tmp, folder!, 'pg', 'data');
    const port = Number(/^port = (\d+)$/m.exec(readFileSync(path.join(data, 'kit.conf'), 'utf8'))?.[1]);
    expect(port).toBeGreaterThan(0);
    expect([54321, 54322]).not.toContain(port);
    expect(existsSync(path.join(data, 'postmaster.pid'))).toBe(false); // stopped: this run started it
  });
});
