/**
 * The whole chain on real parts: a seeded stack on this file's own database, `npm run load -- smoke`
 * (real k6 and the kit's scenarios), then `npm run verify` on that run folder against the same
 * database and API. Checks the contract between the parts: every gate of the brief present with
 * evidence, the k6 gates reading the scenarios' real tags and load.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unlabelledFigures } from '../../verify/report/labels.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { exitCodeOf } from '../../verify/run.ts';
import { BRIEF_GATES } from '../support/brief-gates.ts';
import type { TestDatabase } from '../support/db.ts';
import { runScript } from '../support/run-script.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';
import type { TestStack } from '../support/stack.ts';
import { busyMachineGenerator } from './support/fixtures.ts';

let seeded: SeededStack;
let db: TestDatabase;
let stack: TestStack;
let tmp: string;
let manifestFile: string;

beforeAll(async () => {
  seeded = await startSeededStack('verify-e2e');
  ({ db, stack, tmp, manifestFile } = seeded);
});

afterAll(() => seeded?.stop());

describe('seed → load → verify', () => {
  it('verify judges a real smoke run: three files, every gate with evidence, exit code matching the verdict', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const runDir = path.join(tmp, 'smoke-run');
    const load = await runScript('scripts/load.ts', ['smoke', '--out-dir', runDir], {
      ...env,
      // The stack's own database: the load watches (and resets the statistics of) its target only.
      DATABASE_URL: db.url,
      K6_API_URL: stack.url,
      K6_MANIFEST: manifestFile,
      K6_POSTBACK_SECRET: stack.postbackSecret,
    });
    expect(load.code, load.stderr).toBe(0);

    const out = path.join(tmp, 'report');
    const apiPort = new URL(stack.url).port;
    // The generator shared this busy machine with the stack and other tests: its own limits are
    // widened so the app is what is judged (generator-health.timing.test.ts judges the generator).
    const criteria = path.join(tmp, 'busy-machine.json');
    writeFileSync(criteria, JSON.stringify(busyMachineGenerator));
    const verify = await runScript(
      'scripts/verify.ts',
      ['--run', runDir, '--out', out, '--database-url', db.url, '--api-port', apiPort, '--criteria', criteria],
      {
        ...env,
        KIT_STATE_DIR: path.join(tmp, 'state'),
      },
    );
    expect(verify.stderr).not.toMatch(/\n\s+at /);
    expect([0, 1, 4]).toContain(verify.code);
    for (const file of ['index.html', 'summary.json', 'junit.xml'])
      expect(existsSync(path.join(out, file)), file).toBe(true);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(verify.code).toBe(exitCodeOf(summary.gates));
    expect(verify.stdout).toContain(`verdict: ${summary.verdict}`);

    const gates = new Map(summary.gates.map((g) => [g.id, g]));
    for (const id of BRIEF_GATES) {
      expect(gates.has(id), id).toBe(true);
      expect(gates.get(id)!.evidence.summary.length, id).toBeGreaterThan(0);
    }
    // The k6 gates read the scenarios' own output: route name tags and load.json's schedule.
    expect(summary.load?.kind).toBe('raw');
    expect(summary.load?.endpoints.length).toBeGreaterThan(3);
    expect(summary.load?.endpoints.some((e) => e.name === 'swipe_create')).toBe(true);
    expect(summary.load?.iterations.scheduled).toBeGreaterThan(0);
    expect(gates.get('availability')!.status).not.toBe('insufficient-data');
    expect(gates.get('api-latency')!.status).not.toBe('insufficient-data');
    expect(gates.get('load-delivered')!.status).not.toBe('insufficient-data');
    // smoke is not a 10x schedule, so the load gate must say so rather than pass.
    expect(gates.get('load-delivered')!.status).toBe('fail');
    expect(gates.get('degradation')!.status).toBe('insufficient-data');
    expect(summary.reproducibility.seedRunIds[0]).toMatch(/^run-verify-e2e-/);
    // Every figure the real gates emit has a human label and unit in the report.
    expect(unlabelledFigures(summary.gates)).toEqual([]);
    // Each gate's progress, with its time and the process's peak RSS, reaches the log.
    expect(verify.stderr).toMatch(/gate 1\/\d+ api-latency: \S+ in \d+\.\d s \(peak RSS \d+ MB\)/);
  }, 240_000);

  it('--no-load judges the seed run alone, even with a run folder in reports/; --no-load with --run is refused', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const args = ['--seed-run', seeded.runId, '--database-url', db.url, '--api-port', new URL(stack.url).port];
    const out = path.join(tmp, 'seed-only');
    const verify = await runScript('scripts/verify.ts', [...args, '--no-load', '--out', out], {
      ...env,
      KIT_STATE_DIR: path.join(tmp, 'state'),
    });
    expect([0, 1, 4]).toContain(verify.code);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')));
    const status = new Map(summary.gates.map((g) => [g.id, g.status]));
    expect(status.get('api-latency')).toBe('insufficient-data');
    expect(status.get('data-integrity')).toBe('pass');
    expect(status.get('attribution-history')).toBe('pass');
    expect(summary.reproducibility.loadRunDirs).toEqual([]);

    const both = await runScript('scripts/verify.ts', [...args, '--no-load', '--run', tmp], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--no-load and --run contradict each other/);
  }, 120_000);
});
