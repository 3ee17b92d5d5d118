/**
 * The kit's engine against a real stack: the kit's server and PostgREST on this file's own database, seeded
 * with a tiny run. Smoke passes end to end; injected faults (latency on one endpoint, a loosened
 * RLS policy) fail the run through the profile's thresholds (exit 99, as k6 exits); a wrong target stops the run in
 * setup() before any load.
 *
 * Must know: every run here is kept short (smoke profile, <= ~20 s); the tests in this file run
 * in order and share the stack, each fault is removed again before the next test.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyNames } from '../../model/profiles.ts';
import { journeyEndpoints } from '../../scenarios/lib/endpoints.ts';
import { allChecks, type SummaryData, thresholdResults } from '../../scenarios/lib/summary-text.ts';
import { localKeys } from '../../stack/server/keys.ts';
import type { TestDatabase } from '../support/db.ts';
import { freePort } from '../support/ports.ts';
import { runScript } from '../support/run-script.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';
import type { TestStack } from '../support/stack.ts';
import { runEngineCli } from './support/engine.ts';

let seeded: SeededStack;
let db: TestDatabase;
let stack: TestStack;
let tmp: string;
let manifestFile: string;

beforeAll(async () => {
  seeded = await startSeededStack('k6-scenarios');
  ({ db, stack, tmp, manifestFile } = seeded);
});

afterAll(() => seeded?.stop());

/** A PATH with a shell but no k6, whatever the machine has installed. */
function emptyBin(): string {
  const dir = path.join(tmp, 'bin');
  mkdirSync(dir, { recursive: true });
  return `${dir}:/usr/bin:/bin`
    .split(':')
    .filter((d) => d === dir || !existsSync(path.join(d, 'k6')))
    .join(':');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: SummaryData | undefined;
  text: string;
  points: { metric: string; tags: Record<string, string> }[];
}

function smoke(name: string, env: Record<string, string> = {}): Promise<Run> {
  return run(name, 'smoke', env);
}

async function run(name: string, profile: string, env: Record<string, string> = {}): Promise<Run> {
  const dir = path.join(tmp, name);
  const raw = path.join(dir, 'raw.json.gz');
  mkdirSync(dir, { recursive: true });
  const result = await runEngineCli(['run', '--quiet', '--out', `json=${raw}`, `scenarios/${profile}.ts`], {
    K6_API_URL: stack.url,
    K6_MANIFEST: manifestFile,
    K6_POSTBACK_SECRET: stack.postbackSecret,
    K6_SUMMARY_DIR: dir,
    ...env,
  });
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file));
    } catch {
      return undefined;
    }
  };
  const summaryJson = read('k6-summary.json');
  const rawBytes = read('raw.json.gz');
  const points = rawBytes
    ? gunzipSync(rawBytes)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.includes('"type":"Point"'))
        .map((line) => {
          const p = JSON.parse(line) as { metric: string; data: { tags?: Record<string, string> } };
          return { metric: p.metric, tags: p.data.tags ?? {} };
        })
    : [];
  return {
    ...result,
    summary: summaryJson ? (JSON.parse(summaryJson.toString('utf8')) as SummaryData) : undefined,
    text: read('k6-summary.txt')?.toString('utf8') ?? '',
    points,
  };
}

describe("the journeys on the kit's engine against a seeded local stack", () => {
  it('smoke: exit 0, every check passes, every endpoint in the summary, clicks in the database', async () => {
    const run = await smoke('smoke');
    expect(run.stderr.trim(), run.text).toBe('');
    expect(run.code, run.text).toBe(0);
    const summary = run.summary!;

    expect(thresholdResults(summary).filter((t) => !t.ok)).toEqual([]);
    const checks = allChecks(summary.root_group);
    expect(checks.length).toBeGreaterThanOrEqual(15);
    expect(checks.filter((c) => c.fails > 0)).toEqual([]);

    for (const journey of journeyNames) {
      expect(summary.metrics[`iterations{scenario:${journey}}`]?.values.count, journey).toBeGreaterThan(0);
      for (const name of journeyEndpoints[journey]) {
        expect(summary.metrics[`http_req_duration{name:${name}}`]?.values.count, name).toBeGreaterThan(0);
      }
    }
    expect(summary.metrics.aclue_db_time?.values.count).toBeGreaterThan(0);
    expect(run.text).toContain('LOAD DELIVERED');

    // No per-id URL (nor a token from ?authorization=) in any sample.
    expect(run.points.length).toBeGreaterThan(100);
    expect(run.points.filter((p) => p.tags.url !== undefined)).toEqual([]);
    expect(run.points.filter((p) => p.metric === 'http_req_duration' && !p.tags.name)).toEqual([]);

    const clickIds = run.points.filter((p) => p.metric === 'aclue_clicks_created').map((p) => p.tags.click_id!);
    expect(clickIds.length).toBeGreaterThan(0);
    const stored = await db.pool.query<{ n: string }>(
      'select count(*) as n from public.affiliate_clicks where id::text = any($1)',
      [clickIds],
    );
    expect(Number(stored.rows[0]!.n)).toBe(new Set(clickIds).size);
    const converted = await db.pool.query<{ n: string }>(
      'select count(*) as n from public.affiliate_clicks where id::text = any($1) and is_converted',
      [clickIds],
    );
    expect(Number(converted.rows[0]!.n)).toBeGreaterThan(0);

    // Every swipe the load says was stored is in the table (what verify's real-data gate relies on).
    const swipeIds = run.points
      .filter((p) => p.metric === 'aclue_writes' && p.tags.entity === 'swipe')
      .map((p) => p.tags.id!);
    expect(swipeIds.length).toBe(summary.metrics['http_reqs{name:swipe_create}']!.values.count);
    const swipes = await db.pool.query<{ n: string }>(
      'select count(*) as n from public.swipe_interactions where id::text = any($1)',
      [swipeIds],
    );
    expect(Number(swipes.rows[0]!.n)).toBe(swipeIds.length);
  });

  it("npm run load -- smoke (no k6 on PATH) runs the kit's engine and keeps raw output, summaries and load.json in one folder", async () => {
    const dir = path.join(tmp, 'load-smoke');
    const result = await runScript('scripts/load.ts', ['smoke', '--out-dir', dir], {
      PATH: emptyBin(),
      HOME: process.env.HOME ?? '/tmp',
      KIT_ENV_FILE: '/dev/null',
      K6_API_URL: stack.url,
      K6_MANIFEST: manifestFile,
      K6_POSTBACK_SECRET: stack.postbackSecret,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/on kit-engine \S+ \(k6 not found\)/);
    for (const file of ['k6-raw.json.gz', 'k6-summary.json', 'k6-summary.txt', 'load.json']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const load = JSON.parse(readFileSync(path.join(dir, 'load.json'), 'utf8')) as Record<string, unknown>;
    expect(load).toMatchObject({
      profile: 'smoke',
      exitCode: 0,
      targetUrl: stack.url,
      rateUnit: 'iterations/s',
      engine: { name: 'kit-engine', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) },
    });
    expect(load.seedRunId).toMatch(/^run-k6-scenarios-/);
    expect(load.command).toMatch(
      /^K6_API_URL=http:\/\/127\.0\.0\.1:\d+ K6_POSTBACK_SECRET='<set>' K6_MANIFEST=\S+ K6_SUMMARY_DIR=\S+ node --max-semi-space-size=8 --import tsx engine\/cli\.ts run --out json=.*k6-raw\.json\.gz scenarios\/smoke\.ts$/,
    );
    expect(load.command).not.toContain(stack.postbackSecret);
    expect((load.scheduled as { iterations: number }).iterations).toBe(19);
    expect(result.stdout).toContain('LOAD DELIVERED');
    expect(result.stdout).toContain('smoke run on kit-engine');
  });

  it('npm run load -- smoke --engine k6 without k6 exits 3 and says how to get k6', async () => {
    const result = await runScript(
      'scripts/load.ts',
      ['smoke', '--engine', 'k6', '--out-dir', path.join(tmp, 'no-k6')],
      {
        PATH: emptyBin(),
        HOME: process.env.HOME ?? '/tmp',
        KIT_ENV_FILE: '/dev/null',
        K6_API_URL: stack.url,
        K6_MANIFEST: manifestFile,
      },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('--engine k6: k6 not found (K6_BIN, PATH)');
    expect(result.stderr).toContain("install k6 (1.0 or newer) from Grafana's packages");
  });

  it("latency injected on one Data API table: exit 99, the summary names that endpoint's threshold", async () => {
    // A restrictive policy whose sub-select runs once per statement: +150 ms on every categories read.
    await db.pool.query(`
      create function public.kit_fault_sleep(seconds float8) returns boolean language sql volatile
        as $$ select true from pg_sleep(seconds) $$;
      grant execute on function public.kit_fault_sleep(float8) to anon, authenticated;
      create policy kit_fault_latency on public.categories as restrictive for select to anon, authenticated
        using ((select public.kit_fault_sleep(0.15)));`);
    try {
      // Smoke does not judge latency; the baseline profile does. Only the anonymous browser runs.
      const rates = { swipingUser: 0, returningUser: 0, anonymousBrowser: 120, networkPostback: 0, rlsProbe: 0 };
      const result = await run('latency', 'baseline', {
        K6_BASELINE_RATES: JSON.stringify(rates),
        K6_PROFILE_DURATION: '6s',
        K6_THINK_TIME_SCALE: '0',
      });
      expect(result.code, result.stderr).toBe(99);
      expect(
        result.summary!.metrics['http_req_duration{name:rest_categories}']!.values['p(90)'],
      ).toBeGreaterThanOrEqual(150);
      expect(result.text).toMatch(/FAIL {2}http_req_duration\{name:rest_categories\} {2}p\(90\)<100/);
      expect(result.stderr).toMatch(
        /thresholds on metrics '[^']*http_req_duration\{name:rest_categories\}[^']*' have been crossed/,
      );
    } finally {
      await db.pool.query(
        'drop policy kit_fault_latency on public.categories; drop function public.kit_fault_sleep(float8);',
      );
    }
  });

  it("an RLS policy loosened: the probe sees other users' rows, the run aborts with exit 99 naming aclue_rls_leaks", async () => {
    await db.pool.query(
      'create policy kit_fault_leak on public.swipe_interactions for select to authenticated using (true)',
    );
    try {
      const run = await smoke('leak', { K6_PROFILE_DURATION: '6s' });
      expect(run.code, run.stderr).toBe(99);
      expect(run.summary!.metrics.aclue_rls_leaks!.values.count).toBeGreaterThan(0);
      expect(run.text).toMatch(/FAIL {2}aclue_rls_leaks {2}count<=0/);
      expect(run.stderr).toMatch(
        /thresholds on metrics '[^']*aclue_rls_leaks[^']*' were crossed; at least one has abortOnFail enabled/,
      );
    } finally {
      await db.pool.query('drop policy kit_fault_leak on public.swipe_interactions');
    }
  });

  describe('setup() stops the run before any load', () => {
    const expectStopped = (run: Run, message: string | RegExp) => {
      expect(run.code).toBe(107);
      expect(run.stderr).toMatch(message);
      expect(run.points.filter((p) => p.metric === 'iterations')).toEqual([]);
    };

    it('with a wrong anon key', async () => {
      const wrong = (await localKeys('another-secret-that-is-at-least-32-characters')).anonKey;
      expectStopped(
        await smoke('wrong-key', { K6_ANON_KEY: wrong }),
        /setup: the target is not ready for load: the Data API refused K6_ANON_KEY/,
      );
    });

    it('with a stopped server', async () => {
      const port = await freePort();
      expectStopped(
        await smoke('stopped', { K6_API_URL: `http://127.0.0.1:${port}` }),
        new RegExp(`cannot reach http://127.0.0.1:${port}/api/v1/health`),
      );
    });

    it('without a manifest', async () => {
      expectStopped(
        await smoke('no-manifest', { K6_MANIFEST: path.join(tmp, 'missing.json') }),
        /seed manifest .*missing\.json cannot be read.*npm run seed/,
      );
    });

    it('with a manifest made for another target', async () => {
      const foreign = JSON.parse(readFileSync(manifestFile, 'utf8')) as { target: { apiUrl: string } };
      foreign.target.apiUrl = 'https://staging.example.test';
      const file = path.join(tmp, 'foreign.json');
      writeFileSync(file, JSON.stringify(foreign));
      expectStopped(
        await smoke('foreign', { K6_MANIFEST: file }),
        /was made for https:\/\/staging\.example\.test, but this run targets/,
      );
    });
  });
});
