import { describe, expect, it } from 'vitest';
import { ScheduleError, scheduleSeconds, startTimes } from '../../engine/schedule.ts';

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
