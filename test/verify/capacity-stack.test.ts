/**
 * The capacity profile on a real stack through `npm run load -- capacity` (the kit's engine), then
 * `npm run verify`: a slow statement planted on one endpoint's write (swipes serialised behind one
 * lock, 30 ms each: at most 33 a second) moves that endpoint's break point down, and the
 * envelope names the statement behind it from the pg_stat_statements snapshots of the run.
 *
 * Must know: only the swiping user runs, at 18 iterations a minute (6 swipes each), no think time,
 * 5-second steps up to 25x: 18, 22.5, 28, 35 and 44 swipes a second, so the lock's queue grows
 * without bound from the fourth step. The envelope is judged with limits of 250 ms (p90) and 500 ms
 * (p95) (`--criteria`): the fault's queue passes them, while what a busy 2-core machine adds under the
 * whole suite (up to about 150 ms seen) does not, so the test does not judge the machine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeCapacity } from '../../verify/capacity/envelope.ts';
import { readCapacityRun } from '../../verify/capacity/steps.ts';
import { mergeCriteria } from '../../verify/criteria.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { freePort } from '../support/ports.ts';
import { runScript } from '../support/run-script.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';

const UNREACHABLE_DB = 'postgresql://postgres:postgres@127.0.0.1:9/postgres';
/** Limits a queue of seconds breaks and the machine's own contention does not. */
const criteria = mergeCriteria({ latency: { p90Ms: 250, p95Ms: 500 } });
const rates = { swipingUser: 18, returningUser: 0, anonymousBrowser: 0, networkPostback: 0, rlsProbe: 0 };
const base = () => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  KIT_ENV_FILE: '/dev/null',
});

let seeded: SeededStack;

beforeAll(async () => {
  seeded = await startSeededStack('capacity');
});
afterAll(() => seeded?.stop());

function capacity(name: string) {
  const { stack, tmp, manifestFile, db } = seeded;
  return runScript(
    'scripts/load.ts',
    ['capacity', '--out-dir', path.join(tmp, name), '--max-rate', '25'],
    {
      ...base(),
      KIT_LOAD_ENGINE: 'kit',
      // this test's own database: the statistics reset and snapshots are of it alone
      DATABASE_URL: db.url,
      K6_API_URL: stack.url,
      K6_MANIFEST: manifestFile,
      K6_POSTBACK_SECRET: stack.postbackSecret,
      K6_BASELINE_RATES: JSON.stringify(rates),
      K6_STEP_SECONDS: '5',
      K6_THINK_TIME_SCALE: '0',
    },
    240_000,
  );
}

async function envelopeOf(name: string) {
  const run = await readCapacityRun(path.join(seeded.tmp, name));
  expect(run, name).toBeDefined();
  return judgeCapacity(run!, criteria);
}

describe('capacity on the local stack with a planted slow statement', () => {
  it("moves the slowed endpoint's break point down and names its statement; verify carries the envelope", async () => {
    const clean = await capacity('clean');
    expect([0, 99], clean.stderr).toContain(clean.code);
    expect(clean.stderr).toContain('load: 5 steps from 10x to 24.414x the baseline (never past 25x)');
    const before = await envelopeOf('clean');
    const cleanBreak = before.firstBreaks.find((b) => b.endpoint === 'swipe_create');
    // statements per step came from the run's own snapshots
    expect(before.steps[0]!.topStatements.length, JSON.stringify(before.steps[0])).toBeGreaterThan(0);
    expect(before.steps.every((s) => s.maxConnections !== null)).toBe(true);

    await seeded.db.pool.query(`
      create function public.kit_fault_swipe_queue() returns trigger language plpgsql
        as $$ begin perform pg_advisory_xact_lock(4242); perform pg_sleep(0.03); return new; end $$;
      create trigger kit_fault_swipe_queue before insert on public.swipe_interactions
        for each row execute function public.kit_fault_swipe_queue();`);
    try {
      const slowed = await capacity('slowed');
      expect([0, 99], slowed.stderr).toContain(slowed.code);
    } finally {
      await seeded.db.pool.query(
        'drop trigger kit_fault_swipe_queue on public.swipe_interactions; drop function public.kit_fault_swipe_queue();',
      );
    }
    const after = await envelopeOf('slowed');
    const slowedBreak = after.firstBreaks.find((b) => b.endpoint === 'swipe_create');
    expect(slowedBreak, after.headline).toBeDefined();
    expect(slowedBreak!.step, after.headline).toBeGreaterThan(1);
    expect(slowedBreak!.step, `${before.headline} / ${after.headline}`).toBeLessThan(
      cleanBreak?.step ?? Number.POSITIVE_INFINITY,
    );
    // the planted statements themselves (pg_stat_statements tracks nested ones too) or the swipe write around them
    expect(slowedBreak!.statement?.query, JSON.stringify(slowedBreak)).toMatch(/pg_advisory_xact_lock|pg_sleep|swipe/i);
    expect(after.headline).toContain('swipe_create');

    // npm run verify -- --capacity: the envelope in summary.json and the report, the gate judged
    const out = path.join(seeded.tmp, 'report');
    const criteriaFile = path.join(seeded.tmp, 'criteria.json');
    writeFileSync(criteriaFile, JSON.stringify({ latency: criteria.latency }));
    const verify = await runScript(
      'scripts/verify.ts',
      [
        '--no-load',
        '--capacity',
        path.join(seeded.tmp, 'slowed'),
        '--out',
        out,
        '--criteria',
        criteriaFile,
        '--database-url',
        UNREACHABLE_DB,
        '--api-port',
        String(await freePort()),
      ],
      { ...base(), KIT_STATE_DIR: path.join(seeded.tmp, 'state') },
    );
    expect([0, 1, 4], verify.stderr).toContain(verify.code);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(summary.capacity?.headline).toBe(after.headline);
    const gate = summary.gates.find((g) => g.id === 'capacity-headroom')!;
    expect(gate.evidence.summary.startsWith(after.headline)).toBe(true);
    expect(gate.status).toBe(after.headroom >= criteria.capacity.minHeadroom ? 'pass' : 'fail');
    expect(verify.stdout).toMatch(/capacity-headroom: /);
    expect(verify.stdout).toContain(`capacity: ${after.headline}`);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('<h2 id="capacity">Capacity envelope</h2>');
  }, 400_000);
});
