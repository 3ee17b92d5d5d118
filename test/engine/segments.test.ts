/**
 * k6's own figures for execution segments and arrival schedules (test/engine/fixtures/k6-segments.json,
 * taken from k6's tests): every case a row, every row equal.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { instanceSchedule, startTimes } from '../../engine/schedule.ts';
import {
  ownedIndex,
  owns,
  parseSegment,
  type Segment,
  SegmentError,
  scaleCount,
  wholeRun,
} from '../../engine/segments.ts';

interface Case<T> {
  readonly case: string;
  readonly k6: T;
}
const vectors = JSON.parse(readFileSync(new URL('./fixtures/k6-segments.json', import.meta.url), 'utf8')) as Record<
  string,
  Case<unknown>[]
>;
function section<T>(prefix: string): Case<T>[] {
  const key = Object.keys(vectors).find((k) => k.startsWith(prefix));
  if (!key) throw new Error(`no section ${prefix} in the vectors`);
  return vectors[key] as Case<T>[];
}

/** `seg=A:B seq=S` in a case label; `(none)` is no sequence (and no segment: the whole run). */
function segmentOf(label: string): Segment {
  const seg = /seg=(\S+)/.exec(label)?.[1];
  const seq = /seq=(\S+)/.exec(label)?.[1];
  if (seg === undefined || seg === '(none)') return wholeRun;
  return parseSegment(seg, seq === undefined || seq === '(none)' ? undefined : seq);
}

/** Milliseconds as k6's tests print them (whole, truncated), immune to 0.1 + 0.2 style float error. */
const ms = (seconds: number) => Math.floor(seconds * 1000 + 1e-6);

describe('striping: which global iterations a segment owns (TestGetStripedOffsets)', () => {
  it.each(section<number[]>('1.'))('$case', ({ case: label, k6 }) => {
    const segment = segmentOf(label);
    expect(Array.from({ length: 20 }, (_, k) => k).filter((k) => owns(segment.stripes, k))).toEqual(k6);
  });
});

describe('VU scaling (ExecutionTuple.ScaleInt64)', () => {
  const counts = section<Record<string, number> | number[]>('2.');
  it.each(counts.filter((c) => !Array.isArray(c.k6)))('$case', ({ case: label, k6 }) => {
    const segment = segmentOf(label);
    const got = Object.fromEntries(Object.keys(k6).map((n) => [n, scaleCount(Number(n), segment)]));
    expect(got).toEqual(k6);
  });

  // The inputs of k6's TestRampingArrivalRateActiveVUs_GetExecutionRequirements rows.
  const requirements: Record<string, { preAllocatedVUs: number; maxVUs: number; segment: string; sequence: string }> = {
    'Segmented/Odd': { preAllocatedVUs: 1, maxVUs: 4000, segment: '0:1/4', sequence: '0,1/4,1/2,3/4,1' },
    'Segmented/Even': { preAllocatedVUs: 100, maxVUs: 4000, segment: '0:1/4', sequence: '0,1/4,1/2,3/4,1' },
    'Segmented/Odd 2nd quarter': { preAllocatedVUs: 1, maxVUs: 4000, segment: '1/4:1/2', sequence: '0,1/4,1/2,3/4,1' },
  };
  it.each(counts.filter((c) => Array.isArray(c.k6)))('$case', ({ case: label, k6 }) => {
    const row = Object.entries(requirements).find(([name]) => label.includes(`${name}:`))?.[1];
    if (!row) throw new Error(`no inputs for "${label}"`);
    const plan = instanceSchedule(
      {
        executor: 'ramping-arrival-rate',
        stages: [{ target: 10, duration: '10s' }],
        preAllocatedVUs: row.preAllocatedVUs,
        maxVUs: row.maxVUs,
      },
      parseSegment(row.segment, row.sequence),
    );
    expect(plan && [plan.preAllocatedVUs, plan.maxVUs - plan.preAllocatedVUs]).toEqual(k6);
  });
});

describe('arrivals re-split by each instance share of maxVUs (GlobalIters)', () => {
  const sequence = '0,1/4,3/4,1';
  const scenarios = {
    '3.': {
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '950ms',
      duration: '1s',
      preAllocatedVUs: 5,
      maxVUs: 5,
    },
    '3b.': {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '950ms',
      stages: [
        { target: 20, duration: '1s' },
        { target: 0, duration: '1s' },
      ],
      preAllocatedVUs: 5,
      maxVUs: 5,
    },
  } as const;
  for (const [prefix, scenario] of Object.entries(scenarios)) {
    it.each(section<number[]>(prefix))(`${scenario.executor}: $case`, ({ case: label, k6 }) => {
      const segment = parseSegment(/iterations of (\S+)/.exec(label)![1]!, sequence);
      const plan = instanceSchedule(scenario, segment)!;
      // Nothing dropped: the i-th iteration started carries the i-th owned number.
      expect(Array.from(plan.times, (_, i) => ownedIndex(plan.numbers, i))).toEqual(k6);
    });
  }
});

describe('constant-arrival-rate start times per segment (RunCorrectTiming: 50/s for 2 s, maxVUs 20)', () => {
  it.each(section<{ start: number; steps: number[]; count2s: number }>('3c.'))('$case', ({ case: label, k6 }) => {
    const plan = instanceSchedule(
      { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '2s', preAllocatedVUs: 20, maxVUs: 20 },
      segmentOf(label),
    )!;
    const times = Array.from(plan.times, ms);
    expect({
      start: times[0],
      steps: times.slice(1, k6.steps.length + 1).map((t, i) => t - times[i]!),
      count2s: times.length,
    }).toEqual(k6);
  });
});

describe('ramping-arrival-rate start times (TestRampingArrivalRateCal: 0 → 1 per unit over 5 s, 1 s, → 0 over 5 s)', () => {
  it.each(section<number[]>('3d.'))('$case', ({ case: label, k6 }) => {
    const timeUnit = /timeUnit=(\S+)/.exec(label)![1]!;
    const all = startTimes({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit,
      stages: [
        { target: 1, duration: '5s' },
        { target: 1, duration: '1s' },
        { target: 0, duration: '5s' },
      ],
    });
    const segment = segmentOf(label);
    expect(Array.from(all, ms).filter((_, k) => owns(segment.stripes, k))).toEqual(k6);
  });
});

describe('corner cases and the flags syntax', () => {
  const corner = section<unknown>('4.');
  it('a segment whose share of maxVUs is 0 has no work (TestRampingArrivalRateCornerCase)', () => {
    const [row] = corner.filter((c) => c.case.startsWith('TestRampingArrivalRateCornerCase'));
    const segment = parseSegment('1/5:2/5');
    const plan = instanceSchedule(
      {
        executor: 'ramping-arrival-rate',
        startRate: 1,
        stages: [{ target: 1, duration: '10s' }],
        preAllocatedVUs: 1,
        maxVUs: 2,
      },
      segment,
    );
    expect({ hasWork: plan !== undefined, vus: scaleCount(2, segment) }).toEqual(row!.k6);
  });

  it.each(corner.filter((c) => c.case.startsWith('--execution-segment')))('$case', ({ case: label, k6 }) => {
    const flag = label.slice('--execution-segment '.length);
    if (k6 === 'REJECTED') expect(() => parseSegment(flag)).toThrow(SegmentError);
    else expect(parseSegment(flag).label).toBe(k6);
  });

  it.each(corner.filter((c) => c.case.startsWith('partial sequence')))('$case', ({ case: label, k6 }) => {
    const [, sequence, seg] = /"([^"]+)" seg (\S+)/.exec(label)!;
    const segment = parseSegment(seg!, sequence);
    const expected = JSON.parse(k6 as string) as number[];
    expect(expected.map((_, i) => ownedIndex(segment.stripes, i))).toEqual(expected);
  });
});

describe('what the vectors imply for a split run', () => {
  it('N instances own every iteration once, and their VUs add up to the whole', () => {
    for (const n of [2, 3, 4, 7, 8]) {
      const sequence = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`)).join(',');
      const segments = Array.from({ length: n }, (_, i) =>
        parseSegment(`${i === 0 ? '0' : `${i}/${n}`}:${i + 1 === n ? '1' : `${i + 1}/${n}`}`, sequence),
      );
      for (let k = 0; k < 500; k++) expect(segments.filter((s) => owns(s.stripes, k))).toHaveLength(1);
      for (const vus of [0, 1, 4, 50, 123]) expect(segments.reduce((sum, s) => sum + scaleCount(vus, s), 0)).toBe(vus);
    }
  });

  it('peak at 8 instances: a 4-VU scenario runs on four instances, the others get no work', () => {
    const sequence = '0,1/8,2/8,3/8,4/8,5/8,6/8,7/8,1';
    const scenario = {
      executor: 'constant-arrival-rate',
      rate: 60,
      timeUnit: '1m',
      duration: '1m',
      preAllocatedVUs: 4,
      maxVUs: 4,
    } as const;
    const plans = Array.from({ length: 8 }, (_, i) =>
      instanceSchedule(scenario, parseSegment(`${i}/8:${i + 1}/8`, sequence)),
    );
    expect(plans.map((p) => p?.preAllocatedVUs ?? 0)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(plans.map((p) => p?.times.length ?? 0)).toEqual([15, 15, 15, 15, 0, 0, 0, 0]);
  });

  it('refuses what k6 refuses, naming the flag and the remedy', () => {
    expect(() => parseSegment('33.3%:1')).toThrow(/--execution-segment: .*whole percentage such as 25%, got "33.3%"/);
    expect(() => parseSegment('55%:50%')).toThrow(/expected 0 <= FROM < TO <= 1, got "55%:50%"/);
    expect(() => parseSegment('0:1/3', '0,1/4,1')).toThrow(/is not one of the segments of the sequence "0,1\/4,1"/);
    expect(() => parseSegment('0:1/2', '0,1/4,1/2,1')).toThrow(/is not one of the segments/);
    expect(() => parseSegment('0:1/2', '0,1/2,1/4,1')).toThrow(/expected increasing points/);
    expect(() => parseSegment('1:2:3')).toThrow(/expected FROM:TO or TO/);
  });
});
