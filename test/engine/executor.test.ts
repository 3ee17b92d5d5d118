/**
 * The arrival-rate executor's bookkeeping as k6 keeps it: iteration numbers, extra VUs, drops and
 * their tags, the instance's part under an execution segment, and each iteration's planned start.
 */
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ArrivalExecutor, type Iteration, type ScenarioOptions } from '../../engine/executor.ts';
import { generatorMetrics } from '../../engine/health.ts';
import { builtinMetrics, Metrics } from '../../engine/metrics.ts';
import { parseSegment, type Segment, wholeRun } from '../../engine/segments.ts';
import type { Tags } from '../../scenarios/lib/runtime.ts';

class RecordingMetrics extends Metrics {
  readonly points: { metric: string; value: number; tags: Tags }[] = [];
  override add(metric: string, value: number, tags: Tags): void {
    this.points.push({ metric, value, tags });
    super.add(metric, value, tags);
  }
}

interface Started extends Iteration {
  readonly vuId: number;
  readonly at: number;
}

/** Runs one scenario to its end; `work` is each iteration's body. */
async function runScenario(
  scenario: ScenarioOptions,
  work: (iteration: Iteration, index: number) => Promise<void>,
  segment: Segment = wholeRun,
) {
  const metrics = new RecordingMetrics({ specs: [...builtinMetrics, ...generatorMetrics], thresholds: {} });
  const started: Started[] = [];
  let ids = 0;
  const executor = new ArrivalExecutor(
    'probe',
    scenario,
    async (vu, iteration) => {
      started.push({ ...iteration, vuId: vu.id, at: performance.now() });
      await work(iteration, started.length - 1);
    },
    {
      shared: {
        metrics,
        checks: new Map(),
        userAgent: 'kit-test',
        tally: { requests: 0, failed: 0 },
        warn: () => undefined,
      },
      testTags: { profile: 'peak' },
      segment,
      nextVuId: () => ++ids,
      onIterationError: (_, error) => {
        throw error;
      },
    },
  );
  const origin = performance.now();
  await executor.run(origin);
  await executor.close();
  return { executor, metrics, started, origin };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('arrival-rate executor', () => {
  it('runs nothing, and allocates no VU, in a segment whose share of the VUs is 0', async () => {
    const segment = parseSegment('1/2:1', '0,1/2,1');
    const { executor, started } = await runScenario(
      { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1 },
      async () => undefined,
      segment,
    );
    expect({ scheduled: executor.scheduled, allocated: executor.allocated, started: started.length }).toEqual({
      scheduled: 0,
      allocated: 0,
      started: 0,
    });
    expect(executor.maxSeconds).toBe(0);
  });

  it('hands each started iteration its planned start, and numbers only the iterations it starts', async () => {
    // 20/s for 1 s with 1 VU whose iterations take 120 ms: every other start or so is dropped.
    const { executor, started, origin, metrics } = await runScenario(
      {
        executor: 'constant-arrival-rate',
        rate: 20,
        timeUnit: '1s',
        duration: '1s',
        preAllocatedVUs: 1,
        gracefulStop: '1s',
        tags: { journey: 'probe' },
      },
      () => sleep(120),
    );
    expect(executor.dropped).toBeGreaterThan(0);
    expect(started.length + executor.dropped).toBe(20);
    // k6's iterationInTest: the numbers of the iterations this instance started, none skipped for a drop.
    expect(started.map((s) => s.number)).toEqual(started.map((_, i) => i));
    // Planned starts are schedule slots (multiples of 50 ms from the origin), never after the actual start.
    for (const s of started) {
      expect(Math.round(s.plannedAt - origin) % 50).toBe(0);
      expect(s.at).toBeGreaterThanOrEqual(s.plannedAt - 1);
    }
    // A drop carries the test's tags and the scenario, not the scenario's tags or a group.
    const drop = metrics.points.find((p) => p.metric === 'dropped_iterations');
    expect(drop?.tags).toEqual({ profile: 'peak', scenario: 'probe' });
    const iteration = metrics.points.find((p) => p.metric === 'iterations');
    expect(iteration?.tags).toEqual({ profile: 'peak', journey: 'probe', scenario: 'probe', group: '' });
  });

  it('adds VUs above preAllocatedVUs one at a time in the background, dropping the starts meanwhile', async () => {
    // The first iteration blocks the event loop for 320 ms, so six starts (50..300 ms) fall due at once.
    const { executor, started, origin } = await runScenario(
      {
        executor: 'constant-arrival-rate',
        rate: 20,
        timeUnit: '1s',
        duration: '1s',
        preAllocatedVUs: 1,
        maxVUs: 10,
        gracefulStop: '0s',
      },
      async (_, index) => {
        if (index === 0) {
          const until = performance.now() + 320;
          while (performance.now() < until) {
            // busy: the generator is stalled
          }
        }
        await sleep(700);
      },
    );
    // None of the starts that fell due together got a VU: the one being initialised was not ready.
    const burst = started.filter((s) => s.plannedAt - origin > 1 && s.plannedAt - origin <= 300);
    expect(burst).toEqual([]);
    expect(executor.dropped).toBeGreaterThanOrEqual(6);
    // Every VU ran one iteration (each takes longer than the schedule); a VU initialised after the
    // last drop may find no start left.
    expect(executor.allocated).toBeGreaterThanOrEqual(started.length);
    expect(executor.allocated).toBeLessThanOrEqual(started.length + 1);
    expect(executor.allocated).toBeLessThanOrEqual(10);
    expect(started.length).toBeGreaterThan(1);
  });

  it('lets in the answers that arrived while it was stalled before it drops a late start', async () => {
    // One VU. Its first iteration's I/O completes while the event loop is stalled for 80 ms; the
    // start planned at 10 ms must then get that VU back, not find it busy and drop.
    const { started, origin } = await runScenario(
      {
        executor: 'constant-arrival-rate',
        rate: 100,
        timeUnit: '1s',
        duration: '150ms',
        preAllocatedVUs: 1,
        maxVUs: 1,
        gracefulStop: '1s',
      },
      async (_, index) => {
        const io = stat('.');
        if (index === 0) {
          const until = performance.now() + 80;
          while (performance.now() < until) {
            // busy: the generator is stalled while the stat completes on the thread pool
          }
        }
        await io;
      },
    );
    expect(started.map((s) => Math.round(s.plannedAt - origin)).slice(0, 2)).toEqual([0, 10]);
  });

  it('refuses maxVUs below preAllocatedVUs', () => {
    expect(
      () =>
        new ArrivalExecutor(
          'x',
          {
            executor: 'constant-arrival-rate',
            rate: 1,
            duration: '1s',
            preAllocatedVUs: 5,
            maxVUs: 2,
          },
          async () => undefined,
          {
            shared: {
              metrics: new Metrics({ specs: builtinMetrics, thresholds: {} }),
              checks: new Map(),
              userAgent: 'x',
              tally: { requests: 0, failed: 0 },
              warn: () => undefined,
            },
            testTags: {},
            segment: wholeRun,
            nextVuId: () => 1,
            onIterationError: () => undefined,
          },
        ),
    ).toThrow(/scenario maxVUs: expected a whole number >= preAllocatedVUs \(5\), got 2/);
  });
});
