/**
 * `npm run seed` as a user runs it: bad input gives one clear line and the right exit code, a run
 * that fails half-way is marked and fully removable, and the normal run → list → clean cycle works.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.ts';
import { readSeedResult } from '../../seed/result-file.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { freePort } from '../support/ports.ts';
import { runScript } from '../support/run-script.ts';
import { checksums } from './support.ts';

let db: TestDatabase;
let tmp: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await freshDatabase();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-seed-cli-'));
  writeFileSync(path.join(tmp, 'empty.env'), '');
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmp,
    KIT_ENV_FILE: path.join(tmp, 'empty.env'),
    KIT_STATE_DIR: path.join(tmp, 'state'),
    DATABASE_URL: db.url,
  };
});
afterAll(async () => {
  await db?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const seed = (args: string[], extra: Record<string, string> = {}) =>
  runScript('scripts/seed.ts', args, { ...env, ...extra });
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

describe('npm run seed: bad input', () => {
  it('unknown flag → exit 2, one line naming it', async () => {
    const r = await seed(['--bogus']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/--bogus/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('negative or non-numeric scale → exit 2', async () => {
    for (const value of ['--scale=-1', '--scale=abc', '--scale=0']) {
      const r = await seed([value, '--auth-writer', 'sql']);
      expect(r.code, value).toBe(2);
      expect(errorLines(r.stderr)[0], value).toMatch(/--scale: expected a positive number/);
    }
  });

  it('unreachable database → exit 3, one line', async () => {
    const port = await freePort();
    const r = await seed(['--scale', '0.01', '--auth-writer', 'sql'], {
      DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/none`,
    });
    expect(r.code).toBe(3);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach PostgreSQL/);
  });

  it('unreachable Auth API (local stack down) → exit 3 before any run is recorded', async () => {
    const port = await freePort();
    const r = await seed(['--scale', '0.01', '--auth-writer', 'admin-api', '--api-port', String(port)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Auth admin API/);
    const runs = await db.pool.query('select 1 from kit_truth.runs');
    expect(runs.rowCount).toBe(0);
  });

  it('staging must be confirmed by its project ref', async () => {
    const staging = {
      SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
      SUPABASE_SECRET_KEY: `sb_secret_${'x'.repeat(31)}`,
    };
    const missing = await seed(['--target', 'staging'], staging);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--confirm-target abcdefghijklmnop/);
    const wrong = await seed(['--target', 'staging', '--confirm-target', 'otherproject'], staging);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/does not match SUPABASE_URL/);
  });
});

describe('npm run seed: runs', () => {
  it('--dry-run prints the plan and writes nothing', async () => {
    const r = await seed(['--dry-run', '--scale', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/users\s+2000/);
    expect((await db.pool.query('select 1 from kit_truth.runs')).rowCount).toBe(0);
  });

  it('a run that fails half-way is marked failed and --clean removes all it wrote', async () => {
    // Someone else already uses the e-mail the seed will give its 60th user: batch 2 fails.
    const planned = await seed([
      '--scale',
      '0.1',
      '--seed',
      'clash',
      '--auth-writer',
      'sql',
      '--batch-users',
      '25',
      '--dry-run',
    ]);
    expect(planned.code).toBe(0);
    const { World } = await import('../../seed/world.ts');
    const { productCount } = await import('../../model/behaviour.ts');
    const { categorySlugs } = await import('../../model/behaviour.ts');
    const categories = categorySlugs.map((slug) => ({ slug, id: new Uint8Array(16) }));
    const email = new World({ seed: 'clash', scale: 0.1, users: 100, products: productCount(0.1) }, categories).user(
      60,
    ).email;
    await db.pool.query(
      `insert into auth.users (id, email) values ('00000000-0000-4000-8000-0000000000c1', $1);
       insert into public.users (id, email) values ('00000000-0000-4000-8000-0000000000c1', $1)`.replace(
        /\$1/g,
        `'${email}'`,
      ),
    );
    const tables = [
      'auth.users',
      'public.users',
      'public.profiles',
      'public.products',
      'public.swipe_sessions',
      'public.swipe_interactions',
      'public.affiliate_clicks',
    ];
    const before = await checksums(db.pool, tables);

    const r = await seed(['--scale', '0.1', '--seed', 'clash', '--auth-writer', 'sql', '--batch-users', '25']);
    expect(r.code).toBe(3);
    expect(errorLines(r.stderr)).toHaveLength(1);
    const run = (
      await db.pool.query<{ run_id: string; status: string }>(
        `select run_id, status from kit_truth.runs where seed = 'clash'`,
      )
    ).rows[0]!;
    expect(run.status).toBe('failed');
    expect(r.stderr).toContain(`--clean ${run.run_id}`);
    expect(
      Number((await db.pool.query('select count(*) as n from public.swipe_interactions')).rows[0].n),
    ).toBeGreaterThan(0);

    const clean = await seed(['--clean', run.run_id]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(await checksums(db.pool, tables)).toEqual(before);
    expect((await db.pool.query(`select 1 from kit_truth.runs where seed = 'clash'`)).rowCount).toBe(0);
  });

  it('seeds, lists and cleans a run; the same seed twice is refused', async () => {
    const resultFile = path.join(tmp, 'seed-result.json');
    const r = await seed(['--scale', '0.02', '--seed', 'cli', '--auth-writer', 'sql', '--result-file', resultFile]);
    expect(r.code, r.stderr).toBe(0);
    const seeded = readSeedResult(resultFile, 'seeded');
    const runId = seeded.runId;
    expect(r.stdout).toContain(`run id:   ${runId}`);
    expect(r.stdout).toContain(`manifest: ${seeded.manifest}`);
    expect(r.stdout).toMatch(/public\.swipe_interactions\s+\d+/);
    try {
      const again = await seed(['--scale', '0.02', '--seed', 'cli', '--auth-writer', 'sql']);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already used by run/);
      expect(again.stderr).toContain(`Clean it first (npm run seed -- --clean ${runId}) or choose another --seed.`);

      const list = await seed(['--list', '--result-file', resultFile]);
      expect(list.stdout).toMatch(new RegExp(`${runId}\\s+complete`));
      expect(readSeedResult(resultFile, 'runs').runs).toContainEqual({ runId, seed: 'cli', status: 'complete' });
      const clean = await seed(['--clean', runId]);
      expect(clean.code, clean.stderr).toBe(0);
      expect((await seed(['--list'])).stdout).toMatch(/no seed runs/);
    } finally {
      rmSync(path.join(repoRoot, 'reports', 'seed', runId), { recursive: true, force: true });
    }
  });
});
