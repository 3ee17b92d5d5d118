/**
 * Runs a load script on the kit's engine the way `k6 run` runs it: setup() once (its data goes to
 * every iteration), every scenario at once from one start, progress while it runs, thresholds
 * with abortOnFail checked every few seconds, all thresholds judged at the end, then the summary.
 *
 * Exit codes as k6's: 0 passed, 99 a threshold failed (also when one aborted the run), 100 setup()
 * did not finish within setupTimeout, 104 the options are invalid (found before setup() runs), 105
 * stopped by a signal, 107 setup() or the script failed before any load.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../scenarios/lib/env.ts';
import type { Runtime, Tags } from '../scenarios/lib/runtime.ts';
import { ArrivalExecutor, type ScenarioOptions } from './executor.ts';
import { generatorMetrics, sampleGeneratorHealth } from './health.ts';
import { builtinMetrics, type MetricSpec, Metrics, type ThresholdSpec } from './metrics.ts';
import { Progress, type ProgressFigures } from './progress.ts';
import { RawOutput } from './raw-output.ts';
import { type Segment, wholeRun } from './segments.ts';
import { type SummaryObject, summaryData } from './summary-data.ts';
import { evaluateThresholds } from './thresholds.ts';
import { type CheckTally, Vu, type VuShared } from './vu.ts';

export const ENGINE_NAME = 'kit-engine';

export const EngineExit = {
  ok: 0,
  thresholds: 99,
  setupTimeout: 100,
  invalidConfig: 104,
  signal: 105,
  script: 107,
} as const;

export interface EngineOptions {
  readonly scenarios: Readonly<Record<string, ScenarioOptions>>;
  readonly thresholds: Readonly<Record<string, readonly ThresholdSpec[]>>;
  readonly summaryTrendStats: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly userAgent: string;
  readonly setupTimeout?: string;
}

/** What a script gives the engine: the same parts a k6 entry script exports. */
export interface EngineScript<S> {
  readonly options: EngineOptions;
  /** Metrics the script adds besides k6's built-in ones. */
  readonly customMetrics: readonly MetricSpec[];
  setup(rt: Runtime): Promise<S>;
  readonly exec: Readonly<
    Record<string, (rt: Runtime, iteration: { number: number; vuId: number }, data: S) => Promise<void>>
  >;
  /** File path (or 'stdout') → content, as k6's handleSummary returns it. */
  handleSummary(data: SummaryObject): Record<string, string>;
}

export interface RunSettings {
  /** Gzipped NDJSON raw output, k6's `--out json=FILE.gz`. */
  readonly rawOut?: string;
  readonly segment?: Segment;
  /** Test-wide tags besides the script's (`--tag k=v`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Where progress and messages go (stderr). */
  readonly log: (text: string) => void;
  readonly tty: boolean;
  /** Where the summary's `stdout` goes. */
  readonly stdout: (text: string) => void;
  /** Aborts the run as Ctrl-C does: stop, summarise, exit 105. */
  readonly signal?: AbortSignal;
}

const ABORT_CHECK_EVERY_MS = 2000;
const TICK_MS = 1000;
const MAX_LOGGED_ERRORS = 10;

export async function runEngine<S>(script: EngineScript<S>, settings: RunSettings): Promise<number> {
  // The test's clock starts here, as k6's: delayAbortEval and a counter's rate count setup() in.
  const started = performance.now();
  const opts = script.options;
  const testTags: Tags = { ...opts.tags, ...settings.tags };
  const out = settings.rawOut === undefined ? undefined : new RawOutput(settings.rawOut);
  try {
    const checks: CheckTally = new Map();
    let errors = 0;
    let data: S | undefined;
    // Options are checked before setup() runs, as k6 does (exit 104): a run that cannot start touches nothing.
    let configured: { metrics: Metrics; executors: ArrivalExecutor[]; shared: VuShared };
    try {
      configured = configure(
        script,
        settings,
        testTags,
        out,
        checks,
        () => data as S,
        (scenarioName, error) => {
          errors++;
          if (errors <= MAX_LOGGED_ERRORS)
            settings.log(
              `error in scenario ${scenarioName}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
            );
          else if (errors === MAX_LOGGED_ERRORS + 1) settings.log('further iteration errors are counted, not shown\n');
        },
      );
    } catch (error) {
      settings.log(`invalid options: ${error instanceof Error ? error.message : String(error)}\n`);
      return EngineExit.invalidConfig;
    }
    const { metrics, executors, shared } = configured;

    // setup() on a VU of its own, its samples in the ::setup group as k6 tags them.
    const setupVu = new Vu(0, shared);
    setupVu.tags = { ...testTags, group: '::setup' };
    try {
      data = await withTimeout(script.setup(setupVu), seconds(opts.setupTimeout, 60) * 1000);
      setupVu.flushData();
    } catch (error) {
      await Promise.all(executors.map((e) => e.close()));
      if (error instanceof SetupTimeout) {
        settings.log(`setup() did not finish within setupTimeout (${opts.setupTimeout ?? '60s'})\n`);
        return EngineExit.setupTimeout;
      }
      settings.log(`${error instanceof Error ? error.message : String(error)}\n`);
      return EngineExit.script;
    } finally {
      await setupVu.http.close();
    }

    const planned = Math.max(0, ...executors.map((e) => e.maxSeconds));
    const progress = new Progress(settings.log, settings.tty);
    const origin = performance.now();
    const figures = (): ProgressFigures => ({
      elapsedSeconds: (performance.now() - origin) / 1000,
      plannedSeconds: planned,
      busy: sum(executors, (e) => e.busy),
      allocated: sum(executors, (e) => e.allocated),
      completed: sum(executors, (e) => e.completed),
      dropped: sum(executors, (e) => e.dropped),
      requests: shared.tally.requests,
      failed: shared.tally.failed,
    });
    // As k6: vus and vus_max once a second from the start, with no extra sample at t = 0 or at the end.
    const ticker = setInterval(() => {
      const f = figures();
      metrics.add('vus', f.busy, testTags);
      metrics.add('vus_max', f.allocated, testTags);
      progress.update(f);
    }, TICK_MS);
    const stopHealth = sampleGeneratorHealth(metrics, testTags, () => ({
      busy: sum(executors, (e) => e.busy),
      allocated: sum(executors, (e) => e.allocated),
    }));

    let aborted: string[] | undefined;
    // Only the abortOnFail thresholds are judged while the run goes: the others would sort every
    // trend's samples every few seconds for a verdict nobody reads before the end.
    const abortable = abortOnFailOnly(opts.thresholds);
    const abortCheck = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      // As k6: only metrics with samples are judged during the run, and only after delayAbortEval.
      const breached = evaluateThresholds(metrics, abortable, elapsed, { duringRun: true }).filter(
        (t) => t.abortOnFail && !t.ok && elapsed > t.delayAbortEvalSeconds,
      );
      if (breached.length > 0 && !aborted) {
        aborted = [...new Set(breached.map((t) => t.metric))];
        for (const e of executors) e.stop();
      }
    }, ABORT_CHECK_EVERY_MS);
    let interruptedBySignal = false;
    const onSignal = () => {
      interruptedBySignal = true;
      for (const e of executors) e.stop();
    };
    settings.signal?.addEventListener('abort', onSignal, { once: true });

    await Promise.all(executors.map((e) => e.run(origin)));
    clearInterval(ticker);
    clearInterval(abortCheck);
    stopHealth();
    settings.signal?.removeEventListener('abort', onSignal);
    progress.finish(figures());
    await Promise.all(executors.map((e) => e.close()));

    const durationMs = performance.now() - started;
    const results = evaluateThresholds(metrics, opts.thresholds, durationMs / 1000);
    const summary = summaryData({
      metrics,
      thresholds: opts.thresholds,
      trendStats: opts.summaryTrendStats,
      durationMs,
      setupData: data,
      checks: [...checks].map(([name, t]) => ({ name, ...t })),
      isStdOutTTY: settings.tty,
      isStdErrTTY: settings.tty,
    });
    writeSummary(script.handleSummary(summary), settings.stdout);

    const failed = [...new Set(results.filter((t) => !t.ok).map((t) => t.metric))];
    if (aborted)
      settings.log(
        `thresholds on metrics '${aborted.join(', ')}' were crossed; at least one has abortOnFail enabled, stopping test prematurely\n`,
      );
    else if (failed.length > 0) settings.log(`thresholds on metrics '${failed.join(', ')}' have been crossed\n`);
    if (interruptedBySignal) return EngineExit.signal;
    return aborted || failed.length > 0 ? EngineExit.thresholds : EngineExit.ok;
  } finally {
    await out?.close();
  }
}

/** The metrics and one executor per scenario; throws on an option the run cannot use. */
function configure<S>(
  script: EngineScript<S>,
  settings: RunSettings,
  testTags: Tags,
  out: RawOutput | undefined,
  checks: CheckTally,
  data: () => S,
  onIterationError: (scenario: string, error: unknown) => void,
): { metrics: Metrics; executors: ArrivalExecutor[]; shared: VuShared } {
  const opts = script.options;
  const metrics = new Metrics({
    specs: [...builtinMetrics, ...generatorMetrics, ...script.customMetrics],
    thresholds: opts.thresholds,
    out,
  });
  const shared: VuShared = {
    metrics,
    checks,
    userAgent: opts.userAgent,
    tally: { requests: 0, failed: 0 },
    warn: (text) => settings.log(`warning: ${text}\n`),
  };
  let vuIds = 0;
  const executors = Object.entries(opts.scenarios).map(([name, scenario]) => {
    const exec = script.exec[scenario.exec ?? 'default'];
    if (!exec)
      throw new Error(`scenario ${name}: the script has no function "${scenario.exec ?? 'default'}" to execute`);
    return new ArrivalExecutor(name, scenario, (vu, it) => exec(vu, { number: it.number, vuId: vu.id }, data()), {
      shared,
      testTags,
      segment: settings.segment ?? wholeRun,
      nextVuId: () => ++vuIds,
      onIterationError,
    });
  });
  return { metrics, executors, shared };
}

function writeSummary(files: Record<string, string>, stdout: (text: string) => void): void {
  for (const [where, content] of Object.entries(files)) {
    if (where === 'stdout') stdout(content.endsWith('\n') ? content : `${content}\n`);
    else if (where === 'stderr') process.stderr.write(content);
    else {
      mkdirSync(path.dirname(where), { recursive: true });
      // complete files only: a reader never sees half a summary
      writeFileSync(`${where}.partial`, content);
      renameSync(`${where}.partial`, where);
    }
  }
}

function abortOnFailOnly(thresholds: EngineOptions['thresholds']): Record<string, ThresholdSpec[]> {
  const kept: Record<string, ThresholdSpec[]> = {};
  for (const [key, specs] of Object.entries(thresholds)) {
    const aborting = specs.filter((spec) => typeof spec !== 'string' && spec.abortOnFail);
    if (aborting.length > 0) kept[key] = aborting;
  }
  return kept;
}

class SetupTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new SetupTimeout()), ms))),
  ]).finally(() => clearTimeout(timer));
}

function seconds(text: string | undefined, fallback: number): number {
  return (text === undefined ? undefined : parseDuration(text)) ?? fallback;
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += f(item);
  return total;
}
