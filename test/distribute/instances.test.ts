/**
 * Two load instances (the kit's engine) with execution segments against a real stack (`npm run load -- peak
 * --instances 2`), merged by verify: request counts add up, merged percentiles match the union of
 * the raw points, and the gates judge the merge.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyNames } from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { parseScenarioEnv } from '../../scenarios/lib/env.ts';
import { planFor } from '../../scenarios/lib/options.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import type { TestDatabase } from '../support/db.ts';
import { runScript } from '../support/run-script.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';
import type { TestStack } from '../support/stack.ts';
import { busyMachineGenerator } from '../verify/support/fixtures.ts';

interface RawPoint {
  metric: string;
  value: number;
  tags: Record<string, string>;
}

function rawPoints(file: string): RawPoint[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"Point"'))
    .map((line) => JSON.parse(line) as { metric: string; data: { value: number; tags?: Record<string, string> } })
    .map((p) => ({ metric: p.metric, value: p.data.value, tags: p.data.tags ?? {} }));
}

/** k6's own percentile definition: linear interpolation between the sorted samples. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

let seeded: SeededStack;
let db: TestDatabase;
let stack: TestStack;
let tmp: string;
let runDir: string;
let load: Awaited<ReturnType<typeof runScript>>;

beforeAll(async () => {
  seeded = await startSeededStack('instances');
  ({ db, stack, tmp } = seeded);
  runDir = path.join(tmp, 'run');
  load = await runScript('scripts/load.ts', ['peak', '--instances', '2', '--out-dir', runDir], {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    KIT_ENV_FILE: '/dev/null',
    KIT_LOAD_ENGINE: 'kit',
    // The stack's own database: the load watches (and resets the statistics of) its target only.
    DATABASE_URL: db.url,
    K6_API_URL: stack.url,
    K6_MANIFEST: seeded.manifestFile,
    K6_POSTBACK_SECRET: stack.postbackSecret,
    K6_PROFILE_DURATION: '8s',
    K6_THINK_TIME_SCALE: '0.1',
  });
}, 240_000);

afterAll(() => seeded?.stop());

describe('npm run load -- peak --instances 2', () => {
  it('runs two segments, each tagged with its instance id', () => {
    expect(load.stderr).toContain('2 instances');
    expect([0, 99]).toContain(load.code);
    for (const i of [1, 2]) {
      const points = rawPoints(path.join(runDir, `instance-${i}`, 'k6-raw.json.gz'));
      expect(points.length).toBeGreaterThan(0);
      const requests = points.filter((p) => p.metric === 'http_reqs');
      expect(requests.length).toBeGreaterThan(0);
      expect(new Set(requests.map((p) => p.tags.instance_id))).toEqual(new Set([String(i)]));
      const meta = JSON.parse(readFileSync(path.join(runDir, `instance-${i}`, 'load.json'), 'utf8'));
      expect(meta).toMatchObject({ instance: String(i), share: 0.5 });
      // Each instance starts or drops only the arrivals its load.json says it owns, journey by journey.
      for (const journey of journeyNames) {
        const handled =
          points.filter((p) => p.metric === 'iterations' && p.tags.journey === journey).length +
          points.filter((p) => p.metric === 'dropped_iterations' && p.tags.scenario === journey).length;
        expect(handled, journey).toBeLessThanOrEqual(meta.scheduled.iterationsPerJourney[journey]);
      }
    }
    // The two parts are the whole plan, journey by journey.
    const plan = planFor(
      'peak',
      parseScenarioEnv({ K6_PROFILE_DURATION: '8s', K6_THINK_TIME_SCALE: '0.1' }, () => ''),
    );
    const parts = [1, 2].map(
      (i) =>
        JSON.parse(readFileSync(path.join(runDir, `instance-${i}`, 'load.json'), 'utf8')).scheduled
          .iterationsPerJourney,
    );
    for (const journey of journeyNames)
      expect(parts[0][journey] + parts[1][journey], journey).toBe(plan.scheduledIterations[journey]);
  });

  it('verify merges them: counts add up and percentiles equal those of the union of raw points', async () => {
    const dirs = [1, 2].map((i) => path.join(runDir, `instance-${i}`));
    const perInstance = dirs.map((d) => rawPoints(path.join(d, 'k6-raw.json.gz')));
    const merged = await readLoadEvidence(dirs);
    expect(merged.kind).toBe('raw');
    const union = perInstance.flat();
    const requests = union.filter((p) => p.metric === 'http_reqs').length;
    expect(merged.overall.requests).toBe(requests);
    expect(merged.overall.requests).toBe(
      perInstance[0]!.filter((p) => p.metric === 'http_reqs').length +
        perInstance[1]!.filter((p) => p.metric === 'http_reqs').length,
    );
    const durations = union.filter((p) => p.metric === 'http_req_duration').map((p) => p.value);
    expect(merged.overall.latency.count).toBe(durations.length);
    for (const [p, key] of [
      [50, 'p50'],
      [95, 'p95'],
      [99, 'p99'],
    ] as const) {
      const exact = exactPercentile(durations, p);
      // the merged histogram keeps 3 significant digits; the percentile definitions differ by at most one sample gap
      const neighbours = [...durations].sort((a, b) => a - b);
      const rank = Math.round((p / 100) * (neighbours.length - 1));
      const lo = neighbours[Math.max(0, rank - 1)]!;
      const hi = neighbours[Math.min(neighbours.length - 1, rank + 1)]!;
      expect(merged.overall.latency[key]).toBeGreaterThanOrEqual(Math.min(lo, exact) * 0.99);
      expect(merged.overall.latency[key]).toBeLessThanOrEqual(Math.max(hi, exact) * 1.01);
    }
    const scheduled = dirs.map(
      (d) => JSON.parse(readFileSync(path.join(d, 'load.json'), 'utf8')).scheduled.iterations as number,
    );
    expect(merged.iterations.scheduled).toBeCloseTo(scheduled[0]! + scheduled[1]!, 6);
  });

  it('verify judges the merge as one run', async () => {
    // The two generators shared this busy machine with the stack: their own limits are widened so
    // the merged run is judged (test/verify/generator-health.timing.test.ts judges generators).
    const criteria = path.join(tmp, 'busy-machine.json');
    writeFileSync(criteria, JSON.stringify(busyMachineGenerator));
    const out = await runScript(
      'scripts/verify.ts',
      [
        '--run',
        path.join(runDir, 'instance-1'),
        '--run',
        path.join(runDir, 'instance-2'),
        '--out',
        path.join(tmp, 'report'),
        '--criteria',
        criteria,
      ],
      {
        PATH: process.env.PATH ?? '',
        HOME: os.tmpdir(),
        KIT_ENV_FILE: '/dev/null',
        DATABASE_URL: db.url,
        // The target the instances loaded (verify judges only evidence of its target).
        KIT_API_PORT: new URL(stack.url).port,
      },
    );
    expect([0, 1, 4]).toContain(out.code);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(tmp, 'report', 'summary.json'), 'utf8')));
    const requests = [1, 2].map(
      (i) =>
        rawPoints(path.join(runDir, `instance-${i}`, 'k6-raw.json.gz')).filter((p) => p.metric === 'http_reqs').length,
    );
    expect(summary.load?.sources.map((s) => s.instance).sort()).toEqual(['1', '2']);
    expect(summary.load?.overall.requests).toBe(requests[0]! + requests[1]!);
    // the gates judge the merged run: the latency gate's evidence covers every request of both
    const latency = summary.gates.find((g) => g.id === 'api-latency');
    expect(latency?.status).not.toBe('insufficient-data');
    expect(latency?.evidence.figures ?? latency?.evidence.rows).toBeDefined();
    const scheduled = [1, 2].map(
      (i) =>
        JSON.parse(readFileSync(path.join(runDir, `instance-${i}`, 'load.json'), 'utf8')).scheduled
          .iterations as number,
    );
    expect(summary.load?.iterations.scheduled).toBeCloseTo(scheduled[0]! + scheduled[1]!, 6);
    // each instance's baseline is scaled by its share like its schedule, so the merge reads 10x
    const delivered = summary.gates.find((g) => g.id === 'load-delivered');
    expect(delivered?.measured).toContain('schedule 10.0x baseline');
    // A busy machine can breach the latency thresholds (exit 99): the gate then fails naming it.
    const exits = [1, 2].map(
      (i) => JSON.parse(readFileSync(path.join(runDir, `instance-${i}`, 'load.json'), 'utf8')).exitCode as number,
    );
    // So can two generators on two busy cores fall behind their schedule: the gate then fails naming that.
    const its = summary.load!.iterations;
    const onSchedule =
      its.dropped / its.scheduled! < successCriteria.maxDroppedIterationRate &&
      its.completed / its.scheduled! >= successCriteria.minAchievedRateFraction;
    if (exits.some((c) => c !== 0))
      expect(delivered?.evidence.summary).toMatch(/the load engine of [12] exited 99 \(thresholds breached\)/);
    else if (!onSchedule)
      expect(delivered?.evidence.summary).toMatch(/of iterations were dropped|of the scheduled iterations completed/);
    else expect(delivered?.status, delivered?.evidence.summary).toBe('pass');
  });
});
