/**
 * Capacity step figures for tests: a healthy step at a multiplier, with whatever a test changes,
 * judged by verify/capacity/envelope.ts as a real run's would be.
 */
import type { CapacityRun, StepFigures } from '../../../verify/capacity/steps.ts';
import type { GeneratorReadings } from '../../../verify/k6/generator-health.ts';
import { Histogram } from '../../../verify/k6/histogram.ts';

const noCodes = { auth: { '429': 0, '5xx': 0 }, data: { '429': 0, '5xx': 0 }, app: { '429': 0, '5xx': 0 } };

export function step(n: number, multiplier: number, over: Partial<StepFigures> = {}): StepFigures {
  return {
    step: n,
    multiplier,
    rate: multiplier * 2,
    holdStartSeconds: n * 10,
    holdSeconds: 10,
    endpoints: [
      { name: 'swipe_create', requests: 500, failed: 0, p90: 20, p95: 30 },
      { name: 'recommendations_list', requests: 120, failed: 0, p90: 40, p95: 60 },
    ],
    completedIterations: multiplier * 20,
    droppedIterations: 0,
    authFailures: 0,
    rlsLeaks: 0,
    errorCodes: noCodes,
    generator: readings(),
    maxConnections: 12,
    statements: [],
    ...over,
  };
}

/** A step's generator readings: healthy and empty unless given. */
export function readings(over: { lagMs?: number[]; cpu?: number[] } = {}): GeneratorReadings {
  const scheduleLag = new Histogram(7);
  for (const v of over.lagMs ?? []) scheduleLag.record(v);
  return {
    eventLoopP99: [],
    eventLoopMax: [],
    cpu: over.cpu ?? [],
    vusBusy: [],
    scheduleLag,
    dropped: 0,
    started: 0,
    allBusy: null,
  };
}

export const run = (steps: StepFigures[]): CapacityRun => ({
  runDir: '/runs/capacity-x',
  engine: 'kit-engine',
  origin: 0,
  problems: [],
  steps,
});

export const slowRecommendations = (p95: number) => [
  { name: 'swipe_create', requests: 500, failed: 0, p90: 25, p95: 40 },
  { name: 'recommendations_list', requests: 120, failed: 0, p90: p95 * 0.8, p95 },
];
