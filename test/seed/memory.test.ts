/**
 * Memory stays bounded by the batch, not the scale: `npm run seed -- --scale 3` reports its own peak
 * resident set (VmHWM from /proc/self/status), which must stay under the limit the scale-10 benchmark
 * meets (README "Performance figures": peak RSS < 300 MB). Read from the process, not timed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { runScript } from '../support/run-script.ts';

const PEAK_RSS_LIMIT_MB = 300;

let db: TestDatabase;
let tmp: string;

beforeAll(async () => {
  db = await freshDatabase();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-seed-memory-'));
  writeFileSync(path.join(tmp, 'empty.env'), '');
});
afterAll(async () => {
  await db?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('seed memory', () => {
  it(`seeds scale 3 with a peak RSS under ${PEAK_RSS_LIMIT_MB} MB`, async () => {
    const r = await runScript(
      'scripts/seed.ts',
      ['--scale', '3', '--seed', 'memory'],
      {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? tmp,
        KIT_ENV_FILE: path.join(tmp, 'empty.env'),
        KIT_STATE_DIR: path.join(tmp, 'state'),
        DATABASE_URL: db.url,
      },
      600_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const users = await db.pool.query<{ n: string }>('select count(*) as n from auth.users');
    expect(Number(users.rows[0]!.n)).toBe(3000);
    const peak = /peak RSS: (\d+) MB/.exec(r.stdout);
    expect(peak, r.stdout).not.toBeNull();
    expect(Number(peak![1])).toBeGreaterThan(0);
    expect(Number(peak![1])).toBeLessThan(PEAK_RSS_LIMIT_MB);
  }, 600_000);
});
