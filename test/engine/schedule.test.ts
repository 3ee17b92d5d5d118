import { describe, expect, it } from 'vitest';
import { instancePart } from '../../engine/instance-part.ts';
import { ScheduleError, scheduleSeconds, startTimes } from '../../engine/schedule.ts';
import { parseSegment } from '../../engine/segments.ts';
import { defaultBaselineRates, journeyNames, planLoad, profileNames } from '../../model/profiles.ts';
import { parseScenarioEnv } from '../../scenarios/lib/env.ts';
import { planFor } from '../../scenarios/lib/options.ts';

describe('arrival schedule (the open model)', () => {
  it('starts a constant rate evenly from time 0, rate x duration iterations', () => {
    expect([...startTimes({ executor: 'constant-arrival-rate', rate: 2, timeUnit: '1s', duration: '2s' })]).toEqual([
      0, 0.5, 1, 1.5,
    ]);
    const perMinute = startTimes({ executor: 'constant-arrival-rate', rate: 48, timeUnit: '1m', duration: '30s' });
    expect(perMinute.length).toBe(24);
    expect(perMinute[1]).toBeCloseTo(1.25, 9);
  });

  it('follows a linear ramp: iteration n starts when the area under the rate curve reaches n + 1', () => {
    // 0 → 10/s over 10 s: area 50; area(t) = t²/2, so iteration n starts at sqrt(2(n + 1)), none at t = 0
    const times = startTimes({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      stages: [{ target: 10, duration: '10s' }],
    });
    expect(times.length).toBe(50);
    for (const n of [0, 1, 8, 49]) expect(times[n]).toBeCloseTo(Math.sqrt(2 * (n + 1)), 9);
    // a hold after the ramp continues at the reached rate
    const held = startTimes({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      stages: [
        { target: 10, duration: '10s' },
        { target: 10, duration: '2s' },
      ],
    });
    expect(held.length).toBe(70);
    // floor, not ceil: an area of 2.5 starts two iterations
    expect(
      startTimes({ executor: 'ramping-arrival-rate', startRate: 0, stages: [{ target: 1, duration: '5s' }] }).length,
    ).toBe(2);
    expect(held[49]).toBeCloseTo(10, 9);
    expect(held[50]).toBeCloseTo(10.1, 9);
    // the times never go backwards
    for (let i = 1; i < held.length; i++) expect(held[i]!).toBeGreaterThanOrEqual(held[i - 1]!);
  });

  it('measures the schedule and refuses a bad duration naming the field', () => {
    expect(
      scheduleSeconds({
        executor: 'ramping-arrival-rate',
        stages: [
          { target: 1, duration: '1m' },
          { target: 2, duration: '30s' },
        ],
      }),
    ).toBe(90);
    expect(() => startTimes({ executor: 'constant-arrival-rate', rate: 1, duration: 'soon' })).toThrow(ScheduleError);
    expect(() => startTimes({ executor: 'constant-arrival-rate', rate: 1, duration: 'soon' })).toThrow(
      /scenario duration: expected a duration such as 30s, 1m or 1h30m, got "soon"/,
    );
  });
});

describe('the load plan and the engine count the same iterations', () => {
  it("every profile's scheduled iterations per journey are the schedule's start times", () => {
    for (const profile of profileNames) {
      for (const durationSeconds of [undefined, 37, 95]) {
        // planFor, as the commands plan: the capacity profile's steps come from the scenario settings
        const env = durationSeconds === undefined ? {} : { K6_PROFILE_DURATION: `${durationSeconds}s` };
        const plan = planFor(
          profile,
          parseScenarioEnv(env, () => ''),
        );
        for (const journey of journeyNames) {
          const scenario = plan.scenarios[journey];
          const count = scenario ? startTimes(scenario).length : 0;
          expect({ profile, durationSeconds, journey, count }).toEqual({
            profile,
            durationSeconds,
            journey,
            count: plan.scheduledIterations[journey],
          });
        }
      }
    }
  });

  it('an instance records its own part, and the parts add up to the whole run', () => {
    const plan = planLoad({ profile: 'peak', baselineRates: defaultBaselineRates, durationSeconds: 60 });
    const n = 8;
    const sequence = Array.from({ length: n + 1 }, (_, i) => `${i}/${n}`).join(',');
    const parts = Array.from({ length: n }, (_, i) =>
      instancePart(plan, parseSegment(`${i}/${n}:${i + 1}/${n}`, sequence)),
    );
    for (const journey of journeyNames) {
      expect(parts.reduce((sum, p) => sum + p.iterationsPerJourney[journey], 0)).toBe(
        plan.scheduledIterations[journey],
      );
      expect(parts.reduce((sum, p) => sum + p.rateShares[journey], 0)).toBeCloseTo(1, 12);
    }
    // The 4-VU RLS probe runs on four instances of eight, the others record no part of it.
    const probeVUs = plan.scenarios.rlsProbe!.preAllocatedVUs;
    expect(parts.filter((p) => p.iterationsPerJourney.rlsProbe > 0)).toHaveLength(Math.min(n, probeVUs));
  });
});
