/**
 * A checkout in a private folder (mode 700, as a fresh `mktemp -d`, /root or a CI runner's
 * workspace) under root: the cluster's OS user cannot enter `<checkout>/.kit`, so without
 * KIT_STATE_DIR the stack lives in a folder of this checkout under the OS temp dir, and says so.
 * The checkout is a copy of the sources (node_modules linked) inside a 700 folder; the stack it
 * starts runs on free ports and is stopped again.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';
import { openToOthers, resolveStateDir } from '../../lib/state-dir.ts';
import { freePort } from '../support/ports.ts';
import { nodeBin } from '../support/run-script.ts';

const root = process.getuid?.() === 0;

describe('the state folder', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-state-')); // mode 700
  const open = mkdtempSync(path.join(os.tmpdir(), 'kit-open-'));
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(open, { recursive: true, force: true });
  });

  it('is <checkout>/.kit unless, under root, the checkout is closed to other users', () => {
    chmodSync(open, 0o755);
    const checkout = path.join(tmp, 'kit');
    expect(openToOthers(path.join(checkout, '.kit'))).toBe(false);
    expect(openToOthers(open)).toBe(true);
    const dir = path.join(checkout, '.kit');
    expect(resolveStateDir({ dir, explicit: false, checkout, uid: 1000, tempDirs: [open] })).toEqual({ dir });
    expect(resolveStateDir({ dir, explicit: true, checkout, uid: 0, tempDirs: [open] })).toEqual({ dir });
    const moved = resolveStateDir({ dir, explicit: false, checkout, uid: 0, tempDirs: [tmp, open] });
    expect(moved.dir).toMatch(new RegExp(`^${open}/aclue-kit-0-[0-9a-f]{8}$`));
    expect(moved.moved).toContain(`the checkout ${checkout} is closed to other users`);
    expect(statSync(moved.dir).mode & 0o777).toBe(0o755);
    // One folder per checkout: the same again, another for another checkout.
    expect(resolveStateDir({ dir, explicit: false, checkout, uid: 0, tempDirs: [open] }).dir).toBe(moved.dir);
    expect(resolveStateDir({ dir, explicit: false, checkout: `${checkout}2`, uid: 0, tempDirs: [open] }).dir).not.toBe(
      moved.dir,
    );
  });
});

describe.runIf(root)('npm run stack as root in a checkout inside a 700 folder', () => {
  let checkout: string;
  let env: Record<string, string>;
  const script = (name: string, args: readonly string[], extra: Record<string, string> = {}) =>
    exec(nodeBin, ['--import', 'tsx', path.join(checkout, 'scripts', `${name}.ts`), ...args], {
      cwd: checkout,
      env: { ...env, ...extra },
      timeoutMs: 180_000,
    });
  const stack = (action: string) => script('stack', [action]);

  beforeAll(async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'kit-private-')); // mode 700, owned by root
    checkout = path.join(parent, 'kit');
    const skip = new Set(['node_modules', 'reports', '.kit', '.git']);
    for (const entry of readdirSync(repoRoot))
      if (!skip.has(entry)) cpSync(path.join(repoRoot, entry), path.join(checkout, entry), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(checkout, 'node_modules'));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      KIT_ENV_FILE: '/dev/null',
      KIT_PG_PORT: String(await freePort()),
      KIT_API_PORT: String(await freePort()),
      KIT_POSTGREST_PORT: String(await freePort()),
    };
  });

  afterAll(async () => {
    const down = await stack('down');
    const moved = /state folder (\S+):/.exec(down.stdout)?.[1];
    if (moved) rmSync(moved, { recursive: true, force: true });
    rmSync(path.dirname(checkout), { recursive: true, force: true });
  });

  it('starts in a state folder under the OS temp dir, named on its first line, and stops again', async () => {
    const up = await stack('up');
    expect(up.stderr).not.toContain('cannot enter');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const said = /^state folder (\S+): the checkout (\S+) is closed to other users/m.exec(up.stdout);
    expect(said, up.stdout).not.toBeNull();
    expect(said![2]).toBe(checkout);
    expect(path.dirname(said![1]!)).toBe(os.tmpdir());
    expect(existsSync(path.join(said![1]!, 'pg', 'data', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(checkout, '.kit'))).toBe(false);
    expect(up.stdout).toContain('as OS user'); // the cluster runs as the postgres (or aclue-kit) user
    // The seed's manifest goes to that folder, and the load finds it there (not in <checkout>/.kit).
    const seeded = await script('seed', ['--scale', '0.02', '--seed', 'private', '--target', 'local']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(existsSync(path.join(said![1]!, 'manifest-latest.json'))).toBe(true);
    const runDir = path.join(path.dirname(checkout), 'smoke');
    const load = await script('load', ['smoke', '--engine', 'kit', '--out-dir', runDir], {
      K6_API_URL: `http://127.0.0.1:${env.KIT_API_PORT}`,
      K6_PROFILE_DURATION: '3s',
    });
    expect([0, 99], load.stderr).toContain(load.code);
    expect(load.stderr).not.toContain('manifest');
    const recorded = JSON.parse(readFileSync(path.join(runDir, 'load.json'), 'utf8')) as { seedRunId?: string };
    expect(recorded.seedRunId).toMatch(/private/);
    const down = await stack('down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('PostgreSQL stopped');
  });
});

describe.runIf(root)('an explicit KIT_STATE_DIR the cluster user cannot reach', () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'kit-closed-')); // mode 700
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('is kept, and the demo stops at stack up saying the database was not started (not "stopped")', async () => {
    const demo = await exec(
      nodeBin,
      ['--import', 'tsx', path.join(repoRoot, 'scripts', 'demo.ts'), '--out-dir', path.join(parent, 'report')],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: os.tmpdir(),
          KIT_ENV_FILE: '/dev/null',
          KIT_STATE_DIR: path.join(parent, 'state'),
          KIT_PG_PORT: String(await freePort()),
          KIT_API_PORT: String(await freePort()),
          KIT_POSTGREST_PORT: String(await freePort()),
        },
        timeoutMs: 120_000,
      },
    );
    expect(demo.code, demo.stdout + demo.stderr).toBe(3);
    expect(demo.stdout.split('\n')[1]).not.toContain('state folder'); // the setting is kept as given
    expect(demo.stderr).toContain(`cannot enter ${parent}`);
    expect(demo.stderr).toMatch(/stack: database not started at /);
    expect(demo.stderr).not.toContain('database stopped');
  });
});
