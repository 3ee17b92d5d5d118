/**
 * Evidence belongs to its target: a load run made against target A, verified with the settings of
 * target B, is not judged; every load gate says insufficient-data naming both targets. The same run
 * verified as A is judged. The default "newest run" passes over newer runs of other targets.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeTarget, differences, type TargetIdentity } from '../../lib/target-identity.ts';
import { writeSyntheticOutput } from '../../verify/k6/synthetic-output.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { newestRunOfTarget } from '../../verify/target-evidence.ts';
import { runScript } from '../support/run-script.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-target-evidence-'));
// Nothing listens on port 1: the database and both APIs are unreachable, so only the URLs identify.
const targetA: TargetIdentity = {
  appUrl: 'http://127.0.0.1:1/a',
  supabaseUrl: 'http://127.0.0.1:1/a-supabase',
  database: null,
};
const targetB = { appUrl: 'http://127.0.0.1:1/b', supabaseUrl: 'http://127.0.0.1:1/b-supabase' };

async function runFolder(name: string, identity: TargetIdentity): Promise<string> {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  await writeSyntheticOutput(path.join(dir, 'k6-raw.json.gz'), { lines: 2_000 });
  writeFileSync(path.join(dir, 'load.json'), JSON.stringify({ profile: 'peak', targetIdentity: identity }));
  return dir;
}

async function verifyAs(target: { appUrl: string; supabaseUrl: string }, run: string, out: string) {
  const result = await runScript('scripts/verify.ts', ['--run', run, '--out', path.join(tmp, out)], {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    KIT_ENV_FILE: '/dev/null',
    KIT_STATE_DIR: path.join(tmp, 'state'),
    DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:1/postgres',
    KIT_APP_URL: target.appUrl,
    SUPABASE_URL: target.supabaseUrl,
    SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_for-a-target-nobody-serves',
    SUPABASE_SECRET_KEY: 'sb_secret_for-a-target-nobody-serves',
  });
  expect([0, 1, 4], result.stderr).toContain(result.code);
  const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(tmp, out, 'summary.json'), 'utf8')));
  return { summary, stderr: result.stderr };
}

let run: string;
beforeAll(async () => {
  run = await runFolder('peak-a', targetA);
});

describe('verify judges only evidence of its target', () => {
  it('refuses a load run of target A verified against target B, naming both', async () => {
    const { summary, stderr } = await verifyAs(targetB, run, 'as-b');
    expect(stderr).toContain('belongs to another target');
    for (const id of ['api-latency', 'availability', 'load-delivered']) {
      const gate = summary.gates.find((g) => g.id === id)!;
      expect(gate.status, id).toBe('insufficient-data');
      expect(gate.evidence.summary).toContain('app http://127.0.0.1:1/a');
      expect(gate.evidence.summary).toContain('app http://127.0.0.1:1/b');
    }
  }, 120_000);

  it('judges the same run verified as target A', async () => {
    const { summary } = await verifyAs({ appUrl: targetA.appUrl!, supabaseUrl: targetA.supabaseUrl! }, run, 'as-a');
    const latency = summary.gates.find((g) => g.id === 'api-latency')!;
    expect(latency.status).not.toBe('insufficient-data');
  }, 120_000);

  it("takes the newest run of this target by default, passing over another target's newer run", async () => {
    const reports = path.join(tmp, 'reports');
    mkdirSync(reports);
    const older = path.join(reports, 'peak-20260101-000000');
    const newer = path.join(reports, 'peak-20260102-000000');
    for (const [dir, identity] of [
      [older, targetA],
      [newer, { ...targetA, appUrl: 'http://other.test' }],
    ] as const) {
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'load.json'), JSON.stringify({ targetIdentity: identity }));
    }
    expect(newestRunOfTarget(reports, 'peak-', targetA)).toEqual({ run: older, skipped: [newer] });
  });

  it("aims the load's App API calls at KIT_APP_URL and its Data API calls at SUPABASE_URL", async () => {
    const printed = await runScript('scripts/load.ts', ['smoke', '--print-commands'], {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      KIT_ENV_FILE: '/dev/null',
      KIT_APP_URL: 'https://api.staging.example.test',
      SUPABASE_URL: 'https://abcd.supabase.co',
    });
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('K6_API_URL=https://api.staging.example.test');
    expect(printed.stdout).toContain('K6_SUPABASE_URL=https://abcd.supabase.co');
  });

  it('knows one database reached directly and through a pooler as one target', () => {
    const direct = { systemIdentifier: '7716', name: 'postgres', host: '127.0.0.1:5432' };
    const a = { ...targetA, database: direct };
    expect(differences(a, { ...a, database: { ...direct, host: '127.0.0.1:6543' } })).toEqual([]);
    expect(differences(a, { ...a, database: { ...direct, systemIdentifier: '9' } })).toEqual(['database']);
    expect(describeTarget(a)).toBe(
      'app http://127.0.0.1:1/a, Supabase http://127.0.0.1:1/a-supabase, database postgres on 127.0.0.1:5432 (system 7716)',
    );
  });
});
