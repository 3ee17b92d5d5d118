import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.ts';
import { successCriteria } from '../../model/slo.ts';
import { judgeCapacity } from '../../verify/capacity/envelope.ts';
import { generatorSaturation } from '../../verify/capacity/saturation.ts';
import { readCapacityRun, statementsBetween } from '../../verify/capacity/steps.ts';
import type { VerifyContext } from '../../verify/context.ts';
import gate from '../../verify/gates/capacity-headroom.ts';
import { generatorLimits } from '../../verify/k6/generator-health.ts';
import { capacitySection } from '../../verify/report/capacity.ts';
import { runGate, verdictOf } from '../../verify/run.ts';
import { readings, run, slowRecommendations, step } from './support/capacity-steps.ts';

const statement = (queryid: string, query: string, msPerSecond: number) => ({
  queryid,
  query,
  calls: 100,
  totalMs: msPerSecond * 10,
  msPerSecond,
});

describe('the capacity envelope', () => {
  it('puts the knee before the first breaking step and names the endpoint, the breach and the heaviest statement', () => {
    const e = judgeCapacity(
      run([
        step(1, 10, {
          statements: [statement('1', 'select … from user_preferences', 50), statement('2', 'insert into swipes', 80)],
        }),
        step(2, 12.5, {
          statements: [statement('1', 'select … from user_preferences', 90), statement('2', 'insert into swipes', 100)],
        }),
        step(3, 15.625, {
          endpoints: slowRecommendations(260),
          statements: [
            statement('1', 'select … from user_preferences', 400),
            statement('2', 'insert into swipes', 120),
          ],
        }),
        step(4, 19.531, { endpoints: slowRecommendations(900) }),
      ]),
      successCriteria,
    );
    expect(e.steps.map((s) => s.status)).toEqual(['holds', 'holds', 'breaks', 'breaks']);
    expect(e.knee).toEqual({ step: 2, multiplier: 12.5 });
    expect(e.headroom).toBe(1.25);
    expect(e.firstBreaks).toEqual([
      {
        endpoint: 'recommendations_list',
        step: 3,
        multiplier: 15.625,
        breached: ['p90 208 ms', 'p95 260 ms'],
        statement: { query: 'select … from user_preferences', msPerSecond: 400, grewMsPerSecond: 310 },
      },
    ]);
    expect(e.headline).toBe(
      'Holds up to 12.5x baseline (1.3x headroom over the 10x target); first to break: recommendations_list p90 208 ms and p95 260 ms at 15.6x, behind `select … from user_preferences`.',
    );
  });

  it('names the statement queued on a lock even when it stops growing at the break, not a cheap one that grew more', () => {
    const e = judgeCapacity(
      run([
        step(1, 10, {
          statements: [statement('2', 'insert into swipes', 9000), statement('3', 'select set_config(…)', 1)],
        }),
        step(2, 12.5, {
          endpoints: slowRecommendations(400),
          statements: [statement('2', 'insert into swipes', 8800), statement('3', 'select set_config(…)', 1.5)],
        }),
      ]),
      successCriteria,
    );
    expect(e.firstBreaks[0]?.statement).toEqual({
      query: 'insert into swipes',
      msPerSecond: 8800,
      grewMsPerSecond: -200,
    });
    expect(capacitySection(e, { p90Ms: 200, p95Ms: 300 })).toContain('8800 ms/s, −200 from the step before');
  });

  it('a step breaks on failed requests, dropped iterations or a shortfall in the achieved rate, not on latency alone', () => {
    const e = judgeCapacity(
      run([
        step(1, 10),
        step(2, 12.5, {
          endpoints: [
            { name: 'swipe_create', requests: 500, failed: 4, p90: 20, p95: 30 },
            { name: 'recommendations_list', requests: 120, failed: 0, p90: 40, p95: 60 },
          ],
        }),
      ]),
      successCriteria,
    );
    expect(e.steps[1]!.breaches).toEqual(['failed requests 0.65%']);
    expect(e.firstBreaks[0]).toMatchObject({ endpoint: 'swipe_create', breached: ['errors 0.80%'] });
    const slowApp = judgeCapacity(
      run([step(1, 10, { droppedIterations: 10, endpoints: slowRecommendations(400) })]),
      successCriteria,
    );
    expect(slowApp.steps[0]!.status).toBe('breaks');
    expect(slowApp.knee).toBeUndefined();
    expect(slowApp.headroom).toBe(0);
    expect(slowApp.headline).toMatch(/^Breaks at the 10x target itself/);
  });

  it("marks a step where the load generator was saturated as the instrument's limit, and ends the envelope there", () => {
    const e = judgeCapacity(
      run([
        step(1, 10),
        step(2, 12.5, { generator: readings({ lagMs: [...Array(90).fill(40), ...Array(10).fill(350)] }) }),
        step(3, 15.625, { endpoints: slowRecommendations(900) }),
      ]),
      successCriteria,
    );
    expect(e.steps.map((s) => s.status)).toEqual(['holds', 'instrument-limit', 'beyond-instrument-limit']);
    expect(e.steps[1]!.instrumentLimit).toMatch(/schedule lag p95 350 ms \(limit 100 ms\)/);
    expect(e.knee).toEqual({ step: 1, multiplier: 10 });
    expect(e.endsBy).toBe('instrument-limit');
    expect(e.headroomIsLowerBound).toBe(true);
    expect(e.firstBreaks).toEqual([]);
    expect(e.headline).toMatch(
      /^Holds at every step up to 10x baseline \(at least 1\.0x headroom over the 10x target\); at 12\.5x the load generator reached its own limit/,
    );
  });

  it('marks the steps a stopped run never reached, and judges the others', () => {
    const e = judgeCapacity(
      run([step(1, 10), step(2, 12.5, { endpoints: slowRecommendations(900) }), step(3, 15.625, { endpoints: [] })]),
      successCriteria,
    );
    expect(e.steps.map((s) => s.status)).toEqual(['holds', 'breaks', 'not-reached']);
    expect(e.steps[2]!.breaches).toEqual([]);
    expect(e.knee).toEqual({ step: 1, multiplier: 10 });
  });

  it('tells the generator falling behind (drops while requests beat the VU sizing) from a slow target', () => {
    const base = { scheduledIterations: 1000, droppedIterations: 50, generator: readings() };
    const limits = generatorLimits(successCriteria);
    expect(generatorSaturation({ ...base, slowestP95Ms: 90 }, limits)).toMatch(
      /under the 150 ms its VUs were sized for/,
    );
    // answers slower than the VUs were sized for: the drops are the target's
    expect(generatorSaturation({ ...base, slowestP95Ms: 600 }, limits)).toBeUndefined();
    expect(generatorSaturation({ ...base, droppedIterations: 0, slowestP95Ms: 90 }, limits)).toBeUndefined();
    expect(
      generatorSaturation(
        {
          ...base,
          droppedIterations: 0,
          slowestP95Ms: 90,
          generator: readings({ cpu: Array(10).fill(0.97) }),
        },
        limits,
      ),
    ).toMatch(/CPU 97% of one core/);
  });

  it("judges a step's generator as the latency gates judge a run: one late start in twenty is tolerated", () => {
    const limits = generatorLimits(successCriteria);
    const load = (lagMs: number[]) => ({
      scheduledIterations: 100,
      droppedIterations: 0,
      slowestP95Ms: 90,
      generator: readings({ lagMs }),
    });
    // a single iteration started 900 ms late does not end the envelope; a twentieth of them does
    expect(generatorSaturation(load([...Array(99).fill(5), 900]), limits)).toBeUndefined();
    expect(generatorSaturation(load([...Array(90).fill(5), ...Array(10).fill(900)]), limits)).toMatch(
      /schedule lag p95 \d+ ms/,
    );
  });

  it("takes a step's statements from the snapshots inside its hold", () => {
    const snapshots = {
      version: 1 as const,
      intervalMs: 1000,
      queries: { a: 'select a', b: 'select b' },
      errors: 0,
      snapshots: [
        { t: 0, statements: [{ queryid: 'a', calls: 1, totalMs: 1 }] },
        { t: 1000, statements: [{ queryid: 'a', calls: 10, totalMs: 100 }] },
        {
          t: 3000,
          statements: [
            { queryid: 'a', calls: 30, totalMs: 300 },
            { queryid: 'b', calls: 5, totalMs: 500 },
          ],
        },
      ],
    };
    expect(statementsBetween(snapshots, 500, 3500)).toEqual([
      { queryid: 'b', query: 'select b', calls: 5, totalMs: 500, msPerSecond: 250 },
      { queryid: 'a', query: 'select a', calls: 20, totalMs: 200, msPerSecond: 100 },
    ]);
    expect(statementsBetween(snapshots, 1500, 2500)).toEqual([]);
  });
});

describe('gate capacity-headroom', () => {
  const context = (capacity: ReturnType<typeof judgeCapacity> | undefined) =>
    ({ criteria: successCriteria, ...(capacity ? { capacity } : {}) }) as unknown as VerifyContext;

  it('passes at 1.5x headroom or more, fails below, and needs a capacity run', async () => {
    const steps = [10, 12.5, 15.625, 19.531].map((m, i) => step(i + 1, m));
    const held = judgeCapacity(
      run([...steps, step(5, 24.414, { endpoints: slowRecommendations(300) })]),
      successCriteria,
    );
    expect((await gate.run(context(held))).status).toBe('pass');
    const thin = judgeCapacity(
      run([step(1, 10), step(2, 12.5, { endpoints: slowRecommendations(300) })]),
      successCriteria,
    );
    const failed = await gate.run(context(thin));
    expect(failed.status).toBe('fail');
    expect(failed.measured).toBe('1.00x (knee 10x)');
    expect(failed.evidence.summary).toContain('first to break: recommendations_list');
    // No capacity run (it is opt-in): said at info level, so it neither blocks GO nor passes.
    const none = await runGate(gate, context(undefined));
    expect({ status: none.status, level: none.level }).toEqual({ status: 'insufficient-data', level: 'info' });
    expect(verdictOf([none])).toBe('GO');
    expect((await gate.run(context(thin))).level).toBe('warn');
  });

  it('says insufficient-data for a lower bound below the threshold: the run stopped before anything broke', async () => {
    const short = judgeCapacity(run([step(1, 10), step(2, 12.5)]), successCriteria);
    const result = await gate.run(context(short));
    expect(result.status).toBe('insufficient-data');
    expect(result.measured).toBe('at least 1.25x (knee 12.5x)');
    expect(result.evidence.summary).toContain('raise --max-rate');
  });

  it('is drawn in the report: headline, the chart with its SLO lines and knee, the step table', () => {
    const e = judgeCapacity(
      run([step(1, 10), step(2, 12.5, { endpoints: slowRecommendations(300) })]),
      successCriteria,
    );
    const html = capacitySection(e, successCriteria.latency);
    expect(html).toContain('<h2 id="capacity">Capacity envelope</h2>');
    expect(html).toContain('p95 limit 200 ms');
    expect(html).toContain('p90 limit 100 ms');
    expect(html).toContain('knee 10x');
    expect(html.match(/<tr class="s-/g)?.length).toBe(2);
    expect(html).toContain('<b>recommendations_list</b> at 12.5x');
  });
});

describe("a capacity run's steps from k6's own output", () => {
  it('reads real k6 v2.2.0 raw output step by step: every scenario request in its step, setup() left out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-capacity-k6-'));
    copyFileSync(
      path.join(repoRoot, 'test', 'engine', 'fixtures', 'peak-k6-v2.2.0.json.gz'),
      path.join(dir, 'k6-raw.json.gz'),
    );
    const steps = [
      { step: 1, multiplier: 10, rate: 20, rampStartSeconds: 0, holdStartSeconds: 0, holdSeconds: 20 },
      { step: 2, multiplier: 12.5, rate: 25, rampStartSeconds: 20, holdStartSeconds: 20, holdSeconds: 40 },
    ];
    writeFileSync(
      path.join(dir, 'load.json'),
      JSON.stringify({ profile: 'capacity', engine: { name: 'k6', version: 'v2.2.0' }, steps }),
    );
    const run = await readCapacityRun(dir);
    expect(run?.problems).toEqual([]);
    // the recording's first load request (not setup()'s health probe) started the scenarios
    expect(new Date(run!.origin!).toISOString().slice(0, 19)).toBe('2026-12-02T00:55:03');
    const requests = run!.steps.map((s) => s.endpoints.reduce((sum, e) => sum + e.requests, 0));
    expect(requests.every((n) => n > 0)).toBe(true);
    // 3,022 requests in the recording, 4 of them setup()'s probes
    expect(requests[0]! + requests[1]!).toBe(3018);
    expect(run!.steps[0]!.endpoints.map((e) => e.name)).toContain('swipe_create');
    expect(run!.steps[0]!.endpoints.find((e) => e.name === 'swipe_create')!.p95).toBeGreaterThan(0);
  });
});
