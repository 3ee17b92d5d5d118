/**
 * A capacity run folder read step by step: the raw output (either engine's) folded into one set of
 * figures per held step, beside the connections sampled and the pg_stat_statements snapshots taken
 * while it ran. Step times come from load.json, counted from the first request of the scenarios.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GeneratorMetric } from '../../engine/health.ts';
import { GAUGES, type SampleTags } from '../k6/accumulator.ts';
import type { GeneratorReadings } from '../k6/generator-health.ts';
import { Histogram } from '../k6/histogram.ts';
import { evidenceFile, readLoadInfo } from '../k6/load-evidence.ts';
import { isWantedPoint } from '../k6/metrics.ts';
import { readRawFile } from '../k6/raw-file.ts';
import { DB_SAMPLES_FILE } from '../sampler.ts';
import { readStatementSnapshots, type StatementSnapshots } from '../statements.ts';

export interface PlannedStep {
  readonly step: number;
  readonly multiplier: number;
  /** Scheduled iterations per second during the hold. */
  readonly rate: number;
  readonly holdStartSeconds: number;
  readonly holdSeconds: number;
}

export interface StepEndpoint {
  readonly name: string;
  readonly requests: number;
  readonly failed: number;
  readonly p90: number | null;
  readonly p95: number | null;
}

export interface StepStatement {
  readonly queryid: string;
  readonly query: string;
  readonly calls: number;
  /** execution time within the step, ms */
  readonly totalMs: number;
  /** of it, per second of the step */
  readonly msPerSecond: number;
}

export interface StepFigures extends PlannedStep {
  readonly endpoints: readonly StepEndpoint[];
  readonly completedIterations: number;
  readonly droppedIterations: number;
  readonly authFailures: number;
  readonly rlsLeaks: number;
  /** 429 and 5xx answers per service: `auth` (/auth/v1), `data` (the Data API, rest_*), `app`. */
  readonly errorCodes: Readonly<Record<'auth' | 'data' | 'app', { readonly '429': number; readonly '5xx': number }>>;
  /** The engine's own health in the step (empty for k6, which records none), as the latency gates judge it. */
  readonly generator: GeneratorReadings;
  /** Most client connections sampled during the hold; null without samples. */
  readonly maxConnections: number | null;
  /** Statements by execution time within the hold, heaviest first; empty without snapshots. */
  readonly statements: readonly StepStatement[];
}

export interface CapacityRun {
  readonly runDir: string;
  readonly engine: string | undefined;
  readonly steps: readonly StepFigures[];
  /** The first request of the scenarios, ms since the epoch. */
  readonly origin: number | undefined;
  readonly problems: readonly string[];
}

interface StepAcc {
  readonly endpoints: Map<string, { histogram: Histogram; requests: number; failed: number }>;
  completed: number;
  dropped: number;
  auth: number;
  leaks: number;
  readonly codes: Record<'auth' | 'data' | 'app', { '429': number; '5xx': number }>;
  /** Per health gauge, second -> the highest sample of that second (instances merged). */
  readonly gauges: Record<Gauge, Map<number, number>>;
  readonly lag: Histogram;
}

type Gauge = (typeof GAUGES)[keyof typeof GAUGES];

/** Raw samples kept until the origin is known (the first request may be written after others). */
interface Sample {
  readonly metric: string;
  readonly time: number;
  readonly value: number;
  readonly tags: SampleTags;
}

const GENERATOR_PREFIX = Buffer.from('kit_generator_');
const FOLDED = new Set([
  'http_req_duration',
  'iterations',
  'dropped_iterations',
  'aclue_auth_failures',
  'aclue_rls_leaks',
  GeneratorMetric.scheduleLag,
  ...Object.keys(GAUGES),
]);

/** The gates' metrics and the engine's health measures. */
function wanted(buf: Buffer, start: number): boolean {
  if (isWantedPoint(buf, start)) return true;
  return (
    buf.compare(GENERATOR_PREFIX, 0, GENERATOR_PREFIX.length, start + 11, start + 11 + GENERATOR_PREFIX.length) === 0
  );
}

/**
 * Reads a capacity run folder (or, for a run of several instances, the folder holding their
 * `instance-<n>` folders: their samples merged, their scheduled rates added); undefined when it is
 * not one (no steps in load.json).
 */
export async function readCapacityRun(runDir: string): Promise<CapacityRun | undefined> {
  const dirs = instanceDirs(runDir);
  const infos = dirs.map((dir) => readLoadInfo(dir));
  const stepsOf = (i: number) => (infos[i]?.info as { steps?: PlannedStep[] } | undefined)?.steps;
  const first = stepsOf(0);
  const info = infos[0]?.info;
  if (!info || !Array.isArray(first) || first.length === 0) return undefined;
  const steps = first.map((step, i) => ({
    ...step,
    rate: dirs.reduce((sum, _, d) => sum + (stepsOf(d)?.[i]?.rate ?? 0), 0),
  }));
  const problems = infos.flatMap((r) => (r.problem ? [r.problem] : []));
  const samples: Sample[] = [];
  for (const [i, dir] of dirs.entries()) {
    const found = evidenceFile(dir);
    if (found?.kind !== 'raw') {
      problems.push(`${dir}: no raw output (k6-raw.json.gz); a capacity run is judged step by step from it`);
      continue;
    }
    const read = await readRawFile(
      found.file,
      {
        add: (metric, time, value, tags) => {
          if (FOLDED.has(metric)) samples.push({ metric, time, value, tags });
        },
      },
      String(i + 1),
      wanted,
    );
    problems.push(...read.problems);
  }

  // The scenarios start together; their first request started at its sample time minus its duration.
  let origin: number | undefined;
  for (const s of samples)
    if (s.metric === 'http_req_duration' && s.tags.scenario !== undefined)
      origin = Math.min(origin ?? Number.POSITIVE_INFINITY, s.time - s.value);
  const accs = steps.map(newStep);
  const stepAt = (time: number): StepAcc | undefined => {
    if (origin === undefined) return undefined;
    const t = (time - origin) / 1000;
    const i = steps.findIndex((p) => t >= p.holdStartSeconds && t < p.holdStartSeconds + p.holdSeconds);
    return i < 0 ? undefined : accs[i];
  };
  for (const s of samples) {
    const acc = stepAt(s.time);
    if (acc) fold(acc, s);
  }
  // npm run load keeps the database's samples in the first instance's folder
  const connections = readConnectionSamples(dirs[0]!);
  const snapshots = readStatementSnapshots(dirs[0]!);
  return {
    runDir,
    engine: info.engine?.name,
    origin,
    problems,
    steps: steps.map((planned, i) => {
      const acc = accs[i]!;
      const from = origin === undefined ? Number.NaN : origin + planned.holdStartSeconds * 1000;
      const to = from + planned.holdSeconds * 1000;
      const inHold = connections.filter((c) => c.t >= from && c.t < to).map((c) => c.connections);
      return {
        step: planned.step,
        multiplier: planned.multiplier,
        rate: planned.rate,
        holdStartSeconds: planned.holdStartSeconds,
        holdSeconds: planned.holdSeconds,
        endpoints: [...acc.endpoints]
          .map(([name, e]) => ({
            name,
            requests: e.requests,
            failed: e.failed,
            p90: e.histogram.percentile(0.9),
            p95: e.histogram.percentile(0.95),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        completedIterations: acc.completed,
        droppedIterations: acc.dropped,
        authFailures: acc.auth,
        rlsLeaks: acc.leaks,
        errorCodes: acc.codes,
        generator: {
          eventLoopP99: [...acc.gauges.eventLoopP99.values()],
          eventLoopMax: [...acc.gauges.eventLoopMax.values()],
          cpu: [...acc.gauges.cpu.values()],
          vusBusy: [...acc.gauges.vusBusy.values()],
          scheduleLag: acc.lag,
          dropped: acc.dropped,
          started: acc.completed + acc.dropped,
          allBusy: null,
        },
        maxConnections: inHold.length ? Math.max(...inHold) : null,
        statements: snapshots ? statementsBetween(snapshots, from, to) : [],
      };
    }),
  };
}

/**
 * What each statement took between the first snapshot inside the window and the last one inside
 * it (both within one snapshot interval of the edges), heaviest first.
 */
export function statementsBetween(snapshots: StatementSnapshots, from: number, to: number): StepStatement[] {
  const inside = snapshots.snapshots.filter((s) => s.t >= from && s.t <= to);
  const first = inside[0];
  const last = inside.at(-1);
  if (!first || !last || last.t <= first.t) return [];
  const before = new Map(first.statements.map((s) => [s.queryid, s]));
  const seconds = (last.t - first.t) / 1000;
  return last.statements
    .map((s) => {
      const b = before.get(s.queryid);
      const totalMs = s.totalMs - (b?.totalMs ?? 0);
      return {
        queryid: s.queryid,
        query: snapshots.queries[s.queryid] ?? '',
        calls: s.calls - (b?.calls ?? 0),
        totalMs,
        msPerSecond: totalMs / seconds,
      };
    })
    .filter((s) => s.calls > 0)
    .sort((a, b) => b.totalMs - a.totalMs || a.queryid.localeCompare(b.queryid));
}

function newStep(): StepAcc {
  return {
    endpoints: new Map(),
    completed: 0,
    dropped: 0,
    auth: 0,
    leaks: 0,
    codes: { auth: { '429': 0, '5xx': 0 }, data: { '429': 0, '5xx': 0 }, app: { '429': 0, '5xx': 0 } },
    gauges: { eventLoopP99: new Map(), eventLoopMax: new Map(), cpu: new Map(), vusBusy: new Map() },
    lag: new Histogram(7),
  };
}

function fold(acc: StepAcc, s: Sample): void {
  switch (s.metric) {
    case 'http_req_duration': {
      if (s.tags.scenario === undefined) return; // setup()'s probes
      const name = s.tags.name ?? '(unnamed)';
      let e = acc.endpoints.get(name);
      if (!e) acc.endpoints.set(name, (e = { histogram: new Histogram(10), requests: 0, failed: 0 }));
      const status = Number(s.tags.status ?? 0);
      const failed =
        s.tags.expected_response !== undefined ? s.tags.expected_response === 'false' : status === 0 || status >= 400;
      e.histogram.record(s.value);
      e.requests += 1;
      if (failed) e.failed += 1;
      const service = name.startsWith('auth') ? 'auth' : name.startsWith('rest_') ? 'data' : 'app';
      if (status === 429) acc.codes[service]['429'] += 1;
      else if (status >= 500) acc.codes[service]['5xx'] += 1;
      return;
    }
    case 'iterations':
      acc.completed += s.value;
      return;
    case 'dropped_iterations':
      acc.dropped += s.value;
      return;
    case 'aclue_auth_failures':
      acc.auth += s.value;
      return;
    case 'aclue_rls_leaks':
      acc.leaks += s.value;
      return;
    case GeneratorMetric.scheduleLag:
      acc.lag.record(s.value);
      return;
    default: {
      const gauge = GAUGES[s.metric as keyof typeof GAUGES];
      if (gauge === undefined) return;
      const second = Math.floor(s.time / 1000);
      const seen = acc.gauges[gauge].get(second);
      if (seen === undefined || s.value > seen) acc.gauges[gauge].set(second, s.value);
    }
  }
}

function instanceDirs(runDir: string): string[] {
  if (existsSync(path.join(runDir, 'load.json')) || !existsSync(runDir)) return [runDir];
  const instances = readdirSync(runDir)
    .filter((name) => /^instance-\d+$/.test(name))
    .sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)))
    .map((name) => path.join(runDir, name));
  return instances.length > 0 ? instances : [runDir];
}

function readConnectionSamples(runDir: string): { t: number; connections: number }[] {
  const file = path.join(runDir, DB_SAMPLES_FILE);
  if (!existsSync(file)) return [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { samples?: { t: number; connections: number }[] };
    return Array.isArray(parsed.samples) ? parsed.samples : [];
  } catch {
    return [];
  }
}
