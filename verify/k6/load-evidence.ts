/**
 * Turns one or several k6 run folders (`reports/<profile>-<stamp>/`, written by `npm run load`) into
 * LoadEvidence. Several folders are instances of one distributed run: their raw samples go into the
 * same accumulator, so counts add and histograms merge — percentiles are computed once, on the union.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EndpointStats, LoadEvidence, LoadRunInfo, LoadSource } from '../context.ts';
import { LoadAccumulator, latencyStats } from './accumulator.ts';
import { readRawFile } from './raw-file.ts';
import { readBreachedThresholds, readSummaryFile, readSummaryMetricNames } from './summary-file.ts';

export const RAW_FILE_NAMES = ['k6-raw.json.gz', 'k6-raw.json', 'k6-raw.ndjson.gz', 'k6-raw.ndjson'] as const;
export const SUMMARY_FILE_NAME = 'k6-summary.json';

/** The part of load.json verify reads; summary.json stores it as read (verify/report/summary-schema.ts). */
export const loadJsonSchema = z
  .object({
    profile: z.string().optional(),
    engine: z.object({ name: z.string(), version: z.string() }).optional(),
    command: z.string().optional(),
    exitCode: z.number().nullable().optional(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    targetUrl: z.string().optional(),
    seedRunId: z.string().optional(),
    instance: z.string().optional(),
    scheduled: z
      .object({
        iterations: z.number().optional(),
        ratePerJourney: z.record(z.string(), z.number()).optional(),
        requestsPerEndpoint: z.record(z.string(), z.number()).optional(),
      })
      .optional(),
    baselineRates: z.record(z.string(), z.number()).optional(),
    baselineSource: z.string().optional(),
  })
  .loose();

/** Reads load.json of a run folder; a missing file is fine (undefined), a broken one is a problem. */
export function readLoadInfo(dir: string): { info?: LoadRunInfo; problem?: string } {
  const file = path.join(dir, 'load.json');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { problem: `${file}: not valid JSON (${(error as Error).message})` };
  }
  const parsed = loadJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { info: parsed.data as LoadRunInfo };
}

/** Which file a run folder offers: raw output first, then the summary; undefined when neither. */
export function evidenceFile(dir: string): { kind: 'raw' | 'summary'; file: string } | undefined {
  for (const name of RAW_FILE_NAMES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return { kind: 'raw', file };
  }
  const summary = path.join(dir, SUMMARY_FILE_NAME);
  return existsSync(summary) ? { kind: 'summary', file: summary } : undefined;
}

/**
 * Reads the run folders. Never throws for bad content: every problem is listed on its source, and
 * the gates decide what evidence with problems is worth. Throws only when a folder has no k6 output.
 */
export async function readLoadEvidence(dirs: readonly string[]): Promise<LoadEvidence> {
  const acc = new LoadAccumulator();
  const sources: LoadSource[] = [];
  const summaries: Awaited<ReturnType<typeof readSummaryFile>>[] = [];
  for (const [i, dir] of dirs.entries()) {
    const found = evidenceFile(dir);
    const { info, problem } = readLoadInfo(dir);
    const instance = info?.instance ?? (dirs.length > 1 ? `${path.basename(dir)}#${i + 1}` : path.basename(dir));
    const infoProblems = problem ? [problem] : [];
    const breached = await readBreachedThresholds(path.join(dir, SUMMARY_FILE_NAME));
    const summaryMetrics = await readSummaryMetricNames(path.join(dir, SUMMARY_FILE_NAME));
    const outcome = {
      ...(info ? { load: info } : {}),
      ...(breached ? { breachedThresholds: breached } : {}),
      ...(summaryMetrics ? { summaryMetrics } : {}),
    };
    if (!found) {
      sources.push({
        runDir: dir,
        kind: 'summary',
        file: path.join(dir, SUMMARY_FILE_NAME),
        instance,
        lines: 0,
        problems: [
          ...infoProblems,
          `${dir}: no k6 output (${RAW_FILE_NAMES[0]} or ${SUMMARY_FILE_NAME}); was \`npm run load\` run into this folder?`,
        ],
        ...(info ? { load: info } : {}),
      });
      continue;
    }
    if (found.kind === 'raw') {
      const result = await readRawFile(found.file, acc, instance);
      const problems = [...infoProblems, ...result.problems];
      if (result.parsed === 0 && result.problems.length === 0)
        problems.push(`${found.file}: no samples of the metrics verify reads`);
      sources.push({ runDir: dir, kind: 'raw', file: found.file, instance, lines: result.lines, problems, ...outcome });
    } else {
      const figures = await readSummaryFile(found.file);
      summaries.push(figures);
      const problems = [...infoProblems, ...figures.problems];
      sources.push({ runDir: dir, kind: 'summary', file: found.file, instance, lines: 0, problems, ...outcome });
    }
  }
  // Raw instances mixed with summaries cannot be merged either: summary percentiles have no histogram.
  if (summaries.length > 0) return fromSummaries(sources, summaries);
  return fromAccumulator(sources, acc);
}

function scheduling(sources: readonly LoadSource[]) {
  const sum = (values: (number | undefined)[]) =>
    values.some((v) => v === undefined) || values.length === 0 ? undefined : values.reduce<number>((a, b) => a + b!, 0);
  const total = (rec: Readonly<Record<string, number>> | undefined) =>
    rec ? Object.values(rec).reduce((a, b) => a + b, 0) : undefined;
  return {
    scheduled: sum(sources.map((s) => s.load?.scheduled?.iterations)),
    scheduledRate: sum(sources.map((s) => total(s.load?.scheduled?.ratePerJourney))),
    baselineRate: sum(sources.map((s) => total(s.load?.baselineRates))),
  };
}

function profileOf(sources: readonly LoadSource[]): string | undefined {
  return sources.find((s) => s.load?.profile)?.load?.profile ?? undefined;
}

function fromAccumulator(sources: LoadSource[], acc: LoadAccumulator): LoadEvidence {
  const hasTime = Number.isFinite(acc.minTime);
  const durationSeconds = hasTime ? Math.max(0.001, (acc.maxTime - acc.minTime) / 1000) : 0;
  const windows = acc.windowStats();
  const vusValues = windows.map((w) => w.vus).filter((v): v is number => v !== null);
  return {
    sources,
    kind: 'raw',
    profile: profileOf(sources),
    startedAt: hasTime ? new Date(acc.minTime).toISOString() : undefined,
    finishedAt: hasTime ? new Date(acc.maxTime).toISOString() : undefined,
    durationSeconds,
    windowSeconds: acc.windowSeconds,
    overall: acc.overallStats(),
    endpoints: acc.endpointStats(),
    windows,
    iterations: {
      completed: acc.completed,
      dropped: acc.dropped,
      achievedRate: durationSeconds > 0 ? acc.completed / durationSeconds : 0,
      ...scheduling(sources),
      perScenario: Object.fromEntries(acc.perScenario),
    },
    vus: { max: vusValues.length ? Math.max(...vusValues) : null, maxAllocated: acc.vusMaxAllocated() },
    counters: Object.fromEntries(acc.counters),
    authFailuresByEndpoint: Object.fromEntries(acc.authFailures),
    rlsLeaksByEndpoint: Object.fromEntries(acc.rlsLeaks),
    writes: acc.writes,
    clickIds: acc.clickIds,
    postbacks: acc.postbacks,
    dbTime: acc.dbTime.count > 0 ? latencyStats(acc.dbTime) : undefined,
    checks: { passes: acc.checksPass, fails: acc.checksFail },
    ...(acc.scheduleLag.count > 0
      ? {
          schedule: {
            lag: latencyStats(acc.scheduleLag),
            intendedIteration: latencyStats(acc.intendedIteration),
            iteration: latencyStats(acc.iterationDuration),
          },
        }
      : {}),
  };
}

/**
 * Evidence from summaries: exact for one instance; for several, counts still add but percentiles
 * cannot be combined, so the latency figures are withheld and a problem says why.
 */
function fromSummaries(sources: LoadSource[], summaries: Awaited<ReturnType<typeof readSummaryFile>>[]): LoadEvidence {
  const single = sources.length === 1 ? summaries[0] : undefined;
  const note = `raw k6 output missing in ${sources
    .filter((s) => s.kind === 'summary')
    .map((s) => s.runDir)
    .join(
      ', ',
    )}: fell back to k6's end-of-test summary (no time windows${single ? '' : '; percentiles of several instances cannot be merged from summaries'})`;
  const withNote = sources.map((s, i) => (i === 0 && !single ? { ...s, problems: [...s.problems, note] } : s));
  const sum = (pick: (s: (typeof summaries)[number]) => number) => summaries.reduce((a, s) => a + pick(s), 0);
  const empty: EndpointStats = {
    name: '(all)',
    latency: { count: 0, min: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    requests: 0,
    failed: 0,
    errorRate: 0,
    statuses: {},
  };
  const durationSeconds = single?.durationSeconds ?? 0;
  const counters: Record<string, number> = {};
  for (const s of summaries) for (const [k, v] of Object.entries(s.counters)) counters[k] = (counters[k] ?? 0) + v;
  return {
    sources: withNote,
    kind: 'summary',
    profile: profileOf(sources),
    startedAt: sources[0]?.load?.startedAt,
    finishedAt: sources[0]?.load?.finishedAt,
    durationSeconds,
    windowSeconds: 0,
    overall: single?.overall ?? empty,
    endpoints: single?.endpoints ?? [],
    windows: [],
    iterations: {
      completed: sum((s) => s.completed),
      dropped: sum((s) => s.dropped),
      achievedRate: single?.iterationRate ?? 0,
      ...scheduling(sources),
      perScenario: summaries.reduce<Record<string, number>>((all, s) => {
        for (const [k, v] of Object.entries(s.perScenario)) all[k] = (all[k] ?? 0) + v;
        return all;
      }, {}),
    },
    vus: { max: single?.vusMax ?? null, maxAllocated: single?.vusMaxAllocated ?? null },
    counters,
    authFailuresByEndpoint: {},
    rlsLeaksByEndpoint: {},
    writes: [],
    clickIds: [],
    postbacks: [],
    dbTime: single?.dbTime,
    checks: { passes: sum((s) => s.checks.passes), fails: sum((s) => s.checks.fails) },
  };
}
