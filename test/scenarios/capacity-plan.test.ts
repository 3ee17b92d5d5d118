import { describe, expect, it } from 'vitest';
import { defaultBaselineRates, journeyNames } from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { parseScenarioEnv, ScenarioEnvError } from '../../scenarios/lib/env.ts';
import { loadMetadata } from '../../scenarios/lib/load-metadata.ts';
import { planFor } from '../../scenarios/lib/options.ts';
import { buildThresholds } from '../../scenarios/lib/thresholds.ts';

const env = (vars: Record<string, string> = {}) => parseScenarioEnv(vars, () => '');

describe('the capacity profile', () => {
  it('steps up from 10x by x1.25, each step held for 100 requests on its rarest endpoint, within 15 minutes', () => {
    const plan = planFor('capacity', env());
    const steps = plan.steps!;
    expect(steps.map((s) => s.multiplier)).toEqual([10, 12.5, 15.625, 19.531, 24.414, 30.518, 38.147]);
    // the rarest endpoints (postbacks, gift links) get 6 a minute at 1x: 100 requests take 100 s at 10x
    expect(steps[0]!.holdSeconds).toBe(100);
    expect(steps[1]).toMatchObject({ rampStartSeconds: 100, holdStartSeconds: 102, holdSeconds: 80 });
    expect(plan.durationSeconds).toBeLessThanOrEqual(15 * 60);
    expect(plan.durationSeconds).toBe(steps.at(-1)!.holdStartSeconds + steps.at(-1)!.holdSeconds);
  });

  it('writes the steps out as ramping-arrival-rate stages, the same for k6 and the engine', () => {
    const plan = planFor('capacity', env({ K6_STEP_SECONDS: '5', K6_MAX_RATE: '16' }));
    const s = plan.scenarios.swipingUser!;
    expect(s.executor).toBe('ramping-arrival-rate');
    if (s.executor !== 'ramping-arrival-rate') return;
    expect(s.startRate).toBe(480);
    expect(s.stages).toEqual([
      { target: 480, duration: '5s' },
      { target: 600, duration: '2s' },
      { target: 600, duration: '5s' },
      { target: 750, duration: '2s' },
      { target: 750, duration: '5s' },
    ]);
  });

  it('never schedules a journey past --max-rate times its baseline rate', () => {
    for (const max of [10, 13, 20, 40, 41.5]) {
      const plan = planFor('capacity', env({ K6_MAX_RATE: String(max), K6_STEP_SECONDS: '1' }));
      for (const journey of journeyNames) {
        const scenario = plan.scenarios[journey]!;
        if (scenario.executor !== 'ramping-arrival-rate') throw new Error('ramping expected');
        const highest = Math.max(scenario.startRate, ...scenario.stages.map((st) => st.target));
        expect(highest, `${journey} at --max-rate ${max}`).toBeLessThanOrEqual(defaultBaselineRates[journey] * max);
      }
      expect(plan.steps!.at(-1)!.multiplier).toBeLessThanOrEqual(max);
    }
  });

  it('leaves out the steps that do not fit the budget (K6_PROFILE_DURATION), keeping the first', () => {
    expect(planFor('capacity', env({ K6_PROFILE_DURATION: '200s' })).steps!.map((s) => s.multiplier)).toEqual([
      10, 12.5,
    ]);
    expect(planFor('capacity', env({ K6_PROFILE_DURATION: '10s' })).steps!.length).toBe(1);
  });

  it('refuses a target other than this machine without K6_MAX_RATE, and accepts one with it', () => {
    const staging = { K6_API_URL: 'https://aclue-staging.example.com' };
    expect(() => planFor('capacity', env(staging))).toThrow(ScenarioEnvError);
    expect(() => planFor('capacity', env(staging))).toThrow(/K6_MAX_RATE/);
    expect(planFor('capacity', env({ ...staging, K6_MAX_RATE: '20x' })).steps!.at(-1)!.multiplier).toBe(19.531);
    expect(planFor('capacity', env({ K6_API_URL: 'http://localhost:54321' })).steps!.length).toBe(7);
    expect(() => env({ K6_MAX_RATE: 'lots' })).toThrow(/K6_MAX_RATE: expected a multiple of the baseline rates/);
  });

  it('stops once clearly past the knee: abortOnFail on errors and on 4x the p95 limit, delayed by the first step', () => {
    const plan = planFor('capacity', env({ K6_STEP_SECONDS: '5' }));
    const thresholds = buildThresholds(plan, successCriteria);
    expect(thresholds.http_req_failed).toEqual([{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '5s' }]);
    expect(thresholds['http_req_duration{name:swipe_create}']).toEqual([
      { threshold: 'p(95)<800', abortOnFail: true, delayAbortEval: '5s' },
    ]);
    // the peak run keeps its own criteria
    expect(buildThresholds(planFor('peak', env()), successCriteria).http_req_failed).toEqual(['rate<0.001']);
  });

  it('records the steps in load.json, in iterations per second, for verify', () => {
    const plan = planFor('capacity', env({ K6_STEP_SECONDS: '5' }));
    const meta = loadMetadata({
      plan,
      engine: { name: 'kit-engine', version: 't' },
      command: 'c',
      startedAt: new Date(0),
      finishedAt: new Date(0),
      exitCode: 0,
      targetUrl: 'u',
      supabaseUrl: 'u',
      seedRunId: undefined,
      baselineSource: 'default',
    });
    expect(meta.steps![0]).toEqual({
      step: 1,
      multiplier: 10,
      rate: 20,
      rampStartSeconds: 0,
      holdStartSeconds: 0,
      holdSeconds: 5,
    });
  });
});
