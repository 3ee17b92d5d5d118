import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultBaselineRates, planLoad } from '../../model/profiles.ts';
import { generatorFigures, loadMetadata, runFolderName, shellLine } from '../../scenarios/lib/load-metadata.ts';

describe('load.json', () => {
  it('records the schedule in iterations per second, peak = 10x baseline', () => {
    const plan = planLoad({ profile: 'peak', baselineRates: defaultBaselineRates, durationSeconds: 60 });
    const meta = loadMetadata({
      plan,
      engine: { name: 'kit-engine', version: '0.1.0' },
      command: 'k6 run scenarios/peak.ts',
      startedAt: new Date('2026-11-25T16:00:00Z'),
      finishedAt: new Date('2026-11-25T16:01:00Z'),
      exitCode: 0,
      targetUrl: 'http://127.0.0.1:54321',
      supabaseUrl: 'http://127.0.0.1:54321',
      seedRunId: 'run-1',
      baselineSource: 'default',
    });
    expect(meta.rateUnit).toBe('iterations/s');
    expect(meta.baselineRates.swipingUser).toBe(0.8);
    expect(meta.scheduled.ratePerJourney.swipingUser).toBe(8);
    expect(meta.scheduled.iterations).toBe(plan.totalScheduledIterations);
    expect(meta.scheduled.iterationsPerJourney.swipingUser).toBe(480);
    expect(meta.profile).toBe('peak');
    expect(meta.engine).toEqual({ name: 'kit-engine', version: '0.1.0' });
  });

  it('names run folders by profile and UTC time, and quotes commands for a shell', () => {
    expect(runFolderName('peak', new Date('2026-11-25T16:05:09.123Z'))).toBe('peak-20261125-160509');
    expect(shellLine({ A: 'x y' }, ['k6', 'run', "it's.ts"])).toBe(`A='x y' k6 run 'it'\\''s.ts'`);
  });
});

describe("load.json's generator figures", () => {
  it("from k6's real summary: what k6 gives (iterations, drops, VUs), none of the kit engine's own", () => {
    const summary = JSON.parse(
      readFileSync(path.join(import.meta.dirname, '../engine/fixtures/peak-k6-v2.2.0-summary.json'), 'utf8'),
    );
    const figures = generatorFigures(summary)!;
    expect(figures).toMatchObject({
      eventLoopP99MaxMs: null,
      cpuMax: null,
      scheduleLagP95Ms: null,
      iterations: 604,
      vusMax: 167,
    });
    expect(figures.iterationP95Ms).toBeCloseTo(10271.06, 1);
    expect(figures.droppedIterations).toBe(summary.metrics.dropped_iterations.values.count);
  });

  it("from the kit engine's summary: its own health as well", () => {
    const figures = generatorFigures({
      metrics: {
        kit_generator_event_loop_p99: { values: { value: 11, min: 9, max: 14.5 } },
        kit_generator_cpu: { values: { value: 0.2, min: 0.1, max: 0.4 } },
        kit_generator_schedule_lag: { values: { 'p(95)': 2.5 } },
        iterations: { values: { count: 100, rate: 10 } },
      },
    });
    expect(figures).toMatchObject({
      eventLoopP99MaxMs: 14.5,
      cpuMax: 0.4,
      scheduleLagP95Ms: 2.5,
      iterations: 100,
      droppedIterations: 0,
    });
    expect(generatorFigures('not a summary')).toBeUndefined();
  });
});
