import { describe, expect, it } from 'vitest';
import { ScheduleError, scheduleSeconds, startTimes } from '../../engine/schedule.ts';
import { owns, parseSegment, SegmentError, share, wholeRun } from '../../engine/segments.ts';

describe('arrival schedule (the open model)', () => {
  it('starts a constant rate evenly from time 0, rate x duration iterations', () => {
    expect([...startTimes({ executor: 'constant-arrival-rate', rate: 2, timeUnit: '1s', duration: '2s' })]).toEqual([
      0, 0.5, 1, 1.5,
    ]);
    const perMinute = startTimes({ executor: 'constant-arrival-rate', rate: 48, timeUnit: '1m', duration: '30s' });
    expect(perMinute.length).toBe(24);
    expect(perMinute[1]).toBeCloseTo(1.25, 9);
  });

  it('follows a linear ramp: the area under the rate curve reaches k at iteration k', () => {
    // 0 → 10/s over 10 s: area 50; area(t) = t²/2, so iteration k starts at sqrt(2k)
    const times = startTimes({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      stages: [{ target: 10, duration: '10s' }],
    });
    expect(times.length).toBe(50);
    for (const k of [1, 8, 49]) expect(times[k]).toBeCloseTo(Math.sqrt(2 * k), 9);
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
    expect(held[50]).toBeCloseTo(10, 9);
    expect(held[51]).toBeCloseTo(10.1, 9);
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

describe('execution segments', () => {
  it('gives every iteration to exactly one of N equal segments, taking turns', () => {
    const sequence = '0,1/4,2/4,3/4,1';
    const segments = ['0:1/4', '1/4:2/4', '2/4:3/4', '3/4:1'].map((s) => parseSegment(s, sequence));
    for (let k = 0; k < 400; k++) expect(segments.filter((s) => owns(s, k)).length).toBe(1);
    expect([0, 1, 2, 3, 4, 5].map((k) => segments.findIndex((s) => owns(s, k)))).toEqual([0, 1, 2, 3, 0, 1]);
    expect(segments.map(share)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('splits unequal segments in proportion, and the whole run owns everything', () => {
    const a = parseSegment('0:1/3', '0,1/3,1');
    const b = parseSegment('1/3:1', '0,1/3,1');
    const count = (s: typeof a) => Array.from({ length: 300 }, (_, k) => k).filter((k) => owns(s, k)).length;
    expect([count(a), count(b)]).toEqual([100, 200]);
    const half = (s: typeof a) => Array.from({ length: 100 }, (_, k) => k).filter((k) => owns(s, k)).length;
    expect([half(parseSegment('0.5:1')), half(parseSegment('0:50%'))]).toEqual([50, 50]);
    expect(Array.from({ length: 10 }, (_, k) => owns(wholeRun, k)).every(Boolean)).toBe(true);
  });

  it('refuses a malformed segment or one not in its sequence', () => {
    expect(() => parseSegment('1/2')).toThrow(SegmentError);
    expect(() => parseSegment('2/4:1/4')).toThrow(/expected 0 <= FROM < TO <= 1/);
    expect(() => parseSegment('0:1/3', '0,1/4,1')).toThrow(/is not one of the segments of the sequence/);
    expect(() => parseSegment('a:b')).toThrow(/expected a fraction such as 1\/4/);
  });
});
