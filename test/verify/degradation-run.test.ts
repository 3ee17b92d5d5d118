/**
 * The case on a real stack: a baseline as the kit plans it (asked for 10 s, run as long as
 * every endpoint needs), then 250 ms planted on every product-view write and a short peak that also
 * sends endpoints the baseline never did. `degradation` must fail naming product_detail with its
 * ratio, and list the endpoints it could not judge, in summary.json and the HTML report.
 *
 * Must know: only the swiping user runs in the baseline, at 120 iterations a minute (2.5x the
 * default), so the lengthened baseline is 48 s instead of the 195 s the full mix needs (faster
 * baselines dropped iterations on a busy 2-core machine). The peak profile runs 10x of rates given
 * 4x smaller, for 13 s (2.5x the baseline's load): enough product views for a median, and light
 * enough that the machine's own contention leaves the other endpoints be.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannedRequests } from '../../scenarios/lib/endpoints.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { runScript } from '../support/run-script.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';
import { busyMachineGenerator } from './support/fixtures.ts';

/** No database for verify's own gates: this test is about the load gates only. */
const UNREACHABLE_DB = 'postgresql://postgres:postgres@127.0.0.1:9/postgres';
const swipingOnly = { swipingUser: 120, returningUser: 0, anonymousBrowser: 0, networkPostback: 0, rlsProbe: 0 };
/** Rates the peak profile multiplies by 10: the swiping user at 300 a minute, and returning users the baseline never had. */
const peakRates = { ...swipingOnly, swipingUser: 30, returningUser: 3 };

let seeded: SeededStack;

beforeAll(async () => {
  seeded = await startSeededStack('degradation');
});

afterAll(() => seeded?.stop());

function load(profile: 'baseline' | 'peak', rates: Record<string, number>, duration: string) {
  const { stack, tmp, manifestFile } = seeded;
  return runScript(
    'scripts/load.ts',
    [profile, '--out-dir', path.join(tmp, profile)],
    {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      KIT_ENV_FILE: '/dev/null',
      KIT_LOAD_ENGINE: 'kit',
      // The load's database watcher is not needed here; it must not reset another cluster's statistics.
      DATABASE_URL: UNREACHABLE_DB,
      K6_API_URL: stack.url,
      K6_MANIFEST: manifestFile,
      K6_POSTBACK_SECRET: stack.postbackSecret,
      K6_BASELINE_RATES: JSON.stringify(rates),
      K6_PROFILE_DURATION: duration,
      K6_THINK_TIME_SCALE: '0',
    },
    240_000,
  );
}

describe('degradation on a planted delay', () => {
  it('fails naming the delayed endpoint with its ratio, and lists endpoints the baseline never sent', async () => {
    const { db, tmp } = seeded;
    const baseline = await load('baseline', swipingOnly, '10s');
    expect([0, 99], baseline.stderr).toContain(baseline.code);
    expect(baseline.stderr).toContain(
      'load: baseline: 48 s instead of 10 s, so every endpoint gets the 20 requests the degradation gate needs',
    );

    // load.json's plan matches what the journeys sent: every endpoint got at least its planned requests.
    const recorded = JSON.parse(readFileSync(path.join(tmp, 'baseline', 'load.json'), 'utf8')) as {
      scheduled: {
        durationSeconds: number;
        requestsPerEndpoint: Record<string, number>;
        iterationsPerJourney: Record<string, number>;
      };
    };
    expect(recorded.scheduled.durationSeconds).toBe(48);
    expect(recorded.scheduled.requestsPerEndpoint).toEqual(
      plannedRequests(recorded.scheduled.iterationsPerJourney as never),
    );
    const sent = new Map(
      (await readLoadEvidence([path.join(tmp, 'baseline')])).endpoints.map((e) => [e.name, e.requests]),
    );
    for (const [endpoint, planned] of Object.entries(recorded.scheduled.requestsPerEndpoint)) {
      expect(planned, endpoint).toBeGreaterThanOrEqual(20);
      expect(sent.get(endpoint), endpoint).toBeGreaterThanOrEqual(planned);
    }
    // Anything else the run sent is setup()'s probes, one request each.
    const unplanned = [...sent].filter(([endpoint]) => !(endpoint in recorded.scheduled.requestsPerEndpoint));
    expect(unplanned.sort()).toEqual([
      ['health', 1],
      ['rest_categories', 1],
      ['rest_products', 1],
      ['users_me', 1],
    ]);

    // A trigger fires whatever role writes: +250 ms on every product view the app records.
    await db.pool.query(`
      create function public.kit_fault_view_delay() returns trigger language plpgsql
        as $$ begin perform pg_sleep(0.25); return new; end $$;
      create trigger kit_fault_view_delay before insert on public.product_views for each row execute function public.kit_fault_view_delay();`);
    try {
      const peak = await load('peak', peakRates, '13s');
      expect([0, 99], peak.stderr).toContain(peak.code);
    } finally {
      await db.pool.query(
        'drop trigger kit_fault_view_delay on public.product_views; drop function public.kit_fault_view_delay();',
      );
    }

    const out = path.join(tmp, 'report');
    // The generator shares this busy machine with the stack and other tests: its own limits are
    // widened so the planted delay is what is judged (generator-health.timing.test.ts judges the generator).
    const criteria = path.join(tmp, 'busy-machine.json');
    writeFileSync(criteria, JSON.stringify(busyMachineGenerator));
    const verify = await runScript(
      'scripts/verify.ts',
      [
        '--run',
        path.join(tmp, 'peak'),
        '--baseline',
        path.join(tmp, 'baseline'),
        '--out',
        out,
        '--database-url',
        UNREACHABLE_DB,
        // The target the runs were made against (verify judges only evidence of its target).
        '--api-port',
        new URL(seeded.stack.url).port,
        '--criteria',
        criteria,
      ],
      {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        KIT_ENV_FILE: '/dev/null',
        KIT_STATE_DIR: path.join(tmp, 'state'),
      },
    );
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(verify.code, verify.stderr).toBe(1);
    const gate = summary.gates.find((g) => g.id === 'degradation')!;
    expect(gate.status, gate.evidence.summary).toBe('fail');
    const detail = gate.evidence.rows?.find((r) => r.endpoint === 'product_detail');
    expect(detail, JSON.stringify(gate.evidence.rows)).toMatchObject({ statistic: 'median', status: 'fail' });
    expect(Number(detail!.ratio)).toBeGreaterThanOrEqual(4);
    expect(gate.evidence.rows?.[0]?.endpoint, JSON.stringify(gate.evidence.rows)).toBe('product_detail'); // the worst
    expect(gate.evidence.summary).toMatch(/product_detail \d+\.\d\dx/);
    expect(gate.evidence.summary).toContain("Outside the load's plan (setup() probes), not judged: health (1)");
    for (const endpoint of [
      'recommendations_list',
      'users_me_statistics',
      'recommendation_interaction',
      'gift_link_create',
    ]) {
      expect(gate.evidence.rows).toContainEqual(
        expect.objectContaining({ endpoint, status: 'insufficient-data', reason: 'no requests in the baseline' }),
      );
      expect(gate.evidence.summary).toContain(`${endpoint} (no requests in the baseline)`);
    }
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('no requests in the baseline');
  }, 300_000);
});
