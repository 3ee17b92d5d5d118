/**
 * How a run starts and ends on the kit's engine, as k6's: options refused before setup() (104), a
 * setup() over its setupTimeout (100), vus sampled once a second, delayAbortEval counted from the
 * test's start, and a custom metric given NaN warned about while the iteration goes on.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ScenarioOptions } from '../../engine/executor.ts';
import type { ThresholdSpec } from '../../engine/metrics.ts';
import { EngineExit, type EngineScript, runEngine } from '../../engine/run.ts';
import type { Runtime } from '../../scenarios/lib/runtime.ts';

interface Point {
  metric: string;
  time: number;
  value: number;
}

/** A script of one scenario whose iterations run `body`; what the run logged and wrote. */
async function run(options: {
  scenario?: Partial<ScenarioOptions>;
  thresholds?: Record<string, ThresholdSpec[]>;
  setupTimeout?: string;
  setup?: () => Promise<void>;
  body?: (rt: Runtime) => Promise<void>;
}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-engine-run-'));
  const calls = { setup: 0, iterations: 0 };
  const script: EngineScript<undefined> = {
    options: {
      scenarios: {
        probe: {
          executor: 'constant-arrival-rate',
          rate: 10,
          timeUnit: '1s',
          duration: '1s',
          preAllocatedVUs: 2,
          exec: 'probe',
          ...options.scenario,
        } as ScenarioOptions,
      },
      thresholds: options.thresholds ?? {},
      summaryTrendStats: ['med'],
      tags: {},
      userAgent: 'kit-test',
      ...(options.setupTimeout ? { setupTimeout: options.setupTimeout } : {}),
    },
    customMetrics: [{ name: 'aclue_db_time', type: 'trend', contains: 'time' }],
    setup: async () => {
      calls.setup++;
      await options.setup?.();
    },
    exec: {
      probe: async (rt) => {
        calls.iterations++;
        await options.body?.(rt);
      },
    },
    handleSummary: () => ({}),
  };
  let log = '';
  const started = Date.now();
  const code = await runEngine(script, {
    rawOut: path.join(dir, 'raw.json.gz'),
    log: (text) => {
      log += text;
    },
    tty: false,
    stdout: () => undefined,
  });
  const points: Point[] = gunzipSync(readFileSync(path.join(dir, 'raw.json.gz')))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"Point"'))
    .map((line) => JSON.parse(line) as { metric: string; data: { time: string; value: number } })
    .map((p) => ({ metric: p.metric, time: Date.parse(p.data.time) - started, value: p.data.value }));
  return { code, log, calls, points };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('engine run', () => {
  it('refuses invalid options with exit 104 before setup() runs', async () => {
    const bad = await run({ scenario: { duration: 'soon' } as Partial<ScenarioOptions> });
    expect(bad.code).toBe(EngineExit.invalidConfig);
    expect(bad.code).toBe(104);
    expect(bad.calls.setup).toBe(0);
    expect(bad.log).toMatch(/invalid options: scenario duration: expected a duration/);
    const thresholds = await run({ thresholds: { 'http_req_duration{name}': ['p(95)<1'] } });
    expect([thresholds.code, thresholds.calls.setup]).toEqual([104, 0]);
    expect(thresholds.log).toMatch(/without a colon/);
    const vus = await run({ scenario: { preAllocatedVUs: 3, maxVUs: 1 } });
    expect([vus.code, vus.calls.setup]).toEqual([104, 0]);
  });

  it('exits 100 when setup() outlasts setupTimeout, and starts no iteration', async () => {
    const r = await run({ setupTimeout: '200ms', setup: () => sleep(1000) });
    expect(r.code).toBe(EngineExit.setupTimeout);
    expect(r.code).toBe(100);
    expect(r.calls.iterations).toBe(0);
    expect(r.log).toMatch(/setup\(\) did not finish within setupTimeout \(200ms\)/);
  });

  it('samples vus and vus_max once a second from the start, with no sample at t = 0 or at the end', async () => {
    // One VU busy throughout: every sample of vus is 1, none an artefact 0.
    const r = await run({
      scenario: { rate: 1, duration: '2500ms', preAllocatedVUs: 1, gracefulStop: '0s' },
      body: (rt) => rt.sleep(10), // interrupted at the end of the schedule
    });
    const vus = r.points.filter((p) => p.metric === 'vus');
    expect(vus.length).toBeGreaterThanOrEqual(2);
    expect(vus.map((p) => p.value)).toEqual(vus.map(() => 1));
    expect(r.points.filter((p) => p.metric === 'vus_max').map((p) => p.value)).toEqual(vus.map(() => 1));
  });

  it("counts delayAbortEval from the test's start, setup() included", async () => {
    // setup() takes 1.5 s; the first check, 2 s into the load, is 3.5 s into the test: past the 2.5 s delay.
    const r = await run({
      setup: () => sleep(1500),
      scenario: { rate: 5, duration: '3s' },
      thresholds: { iterations: [{ threshold: 'count<1', abortOnFail: true, delayAbortEval: '2500ms' }] },
    });
    expect(r.code).toBe(EngineExit.thresholds);
    expect(r.log).toMatch(/abortOnFail enabled, stopping test prematurely/);
  });

  it('leaves out a custom metric sample that is not a number, with a warning, and the iteration goes on', async () => {
    const r = await run({
      scenario: { rate: 1, duration: '1s', preAllocatedVUs: 1 },
      body: async (rt) => {
        rt.add('aclue_db_time', Number.NaN, {});
        rt.add('aclue_db_time', 7, {});
      },
    });
    expect(r.code).toBe(0);
    expect(r.log).toMatch(/warning: metric aclue_db_time: NaN is not a number; the sample is left out/);
    expect(r.points.filter((p) => p.metric === 'aclue_db_time').map((p) => p.value)).toEqual([7]);
    expect(r.points.filter((p) => p.metric === 'iterations')).toHaveLength(1);
  });
});
