/**
 * Verify is reproducible: one load run (smoke, the kit's engine, against a real seeded stack) verified
 * three times, with other verifies in between whose SQL scans the same tables, says the same thing
 * each time: every gate's status and measured value are identical, and so is the database gate's
 * evidence. The database gate judges the statistics the load run recorded at its end
 * (db-tables.json), so nothing verify runs can change what a later verify of the same run says.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { runScript } from '../support/run-script.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';

let seeded: SeededStack;
let runDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  seeded = await startSeededStack('reproducible');
  runDir = path.join(seeded.tmp, 'run');
  env = {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    KIT_ENV_FILE: '/dev/null',
    KIT_STATE_DIR: path.join(seeded.tmp, 'state'),
    DATABASE_URL: seeded.db.url,
    KIT_API_PORT: new URL(seeded.stack.url).port,
  };
  const load = await runScript(
    'scripts/load.ts',
    ['smoke', '--out-dir', runDir],
    {
      ...env,
      KIT_LOAD_ENGINE: 'kit',
      K6_API_URL: seeded.stack.url,
      K6_MANIFEST: seeded.manifestFile,
      K6_POSTBACK_SECRET: seeded.stack.postbackSecret,
      K6_PROFILE_DURATION: '8s',
    },
    180_000,
  );
  expect([0, 99], load.stderr).toContain(load.code);
}, 300_000);
afterAll(() => seeded?.stop());

async function verify(out: string) {
  const result = await runScript(
    'scripts/verify.ts',
    ['--run', runDir, '--seed-run', seeded.runId, '--out', path.join(seeded.tmp, out)],
    env,
  );
  expect([0, 1, 4], result.stderr).toContain(result.code);
  return summarySchema.parse(JSON.parse(readFileSync(path.join(seeded.tmp, out, 'summary.json'), 'utf8')));
}

describe('verify of one run, repeated', () => {
  it('the load run recorded the database statistics the database gate judges', () => {
    expect(existsSync(path.join(runDir, 'db-tables.json'))).toBe(true);
  });

  it('says the same three times, with other verifies in between', async () => {
    const first = await verify('report-1');
    await verify('other-1');
    await verify('other-2');
    const second = await verify('report-2');
    await verify('other-3');
    const third = await verify('report-3');
    const judged = (s: typeof first) => s.gates.map((g) => ({ id: g.id, status: g.status, measured: g.measured }));
    expect(judged(second)).toEqual(judged(first));
    expect(judged(third)).toEqual(judged(first));
    expect(second.verdict).toBe(first.verdict);
    expect(third.verdict).toBe(first.verdict);
    const database = (s: typeof first) => s.gates.find((g) => g.id === 'database');
    // The tiny test seed has no table over 1,000 rows, so the gate's status is insufficient-data; what
    // matters here is that it judged the run's own snapshot, identically each time.
    expect(database(first)?.evidence.figures?.snapshot).toBe(path.join(runDir, 'db-tables.json'));
    expect(database(third)?.evidence).toEqual(database(first)?.evidence);
    expect(third.generatedAt).not.toBe(first.generatedAt);
  }, 300_000);
});
