/**
 * One arrival-rate scenario, with k6's semantics: iterations start on schedule whatever the
 * responses do; a start that finds every VU busy is not queued but counted as a
 * `dropped_iterations` point, and below `maxVUs` one more VU is initialised in the background, one
 * at a time (starts meanwhile are dropped too); when the schedule ends, running iterations get
 * `gracefulStop` to finish and are then interrupted, without an `iterations` point. Under an
 * execution segment the instance runs its part only (schedule.ts `instanceSchedule`), and a part
 * with no VU runs nothing.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseDuration } from '../scenarios/lib/env.ts';
import type { Tags } from '../scenarios/lib/runtime.ts';
import { GeneratorMetric } from './health.ts';
import { ns } from './metrics.ts';
import { sampleTimeNow } from './raw-output.ts';
import { type ArrivalScenarioOptions, instanceSchedule, scheduleSeconds } from './schedule.ts';
import { ownedIndex, type Segment, type Stripes } from './segments.ts';
import { Interrupted, Vu, type VuShared } from './vu.ts';

export type ScenarioOptions = ArrivalScenarioOptions & {
  readonly preAllocatedVUs: number;
  readonly maxVUs?: number;
  readonly exec?: string;
  readonly gracefulStop?: string;
  readonly tags?: Readonly<Record<string, string>>;
};

/** One iteration as the executor starts it. */
export interface Iteration {
  /**
   * Its number in the whole run (k6's `iterationInTest`): this instance's numbers in order of the
   * iterations it starts, so a dropped arrival uses none.
   */
  readonly number: number;
  /** When the schedule meant it to start, a `performance.now()` time: its lag is the time it started minus this. */
  readonly plannedAt: number;
}

export type IterationFn = (vu: Vu, iteration: Iteration) => Promise<void>;

export interface ScenarioDeps {
  readonly shared: VuShared;
  readonly testTags: Tags;
  readonly segment: Segment;
  /** Numbers VUs across every scenario of the run, from 1. */
  nextVuId(): number;
  /** An iteration failed with an exception of the script (logged, counted, the run goes on). */
  onIterationError(scenario: string, error: unknown): void;
}

const DEFAULT_GRACEFUL_STOP_SECONDS = 30;
/** A start this late, or a burst of starts this long, lets I/O in first. */
const LATE_MS = 2;

export class ArrivalExecutor {
  busy = 0;
  allocated = 0;
  completed = 0;
  dropped = 0;
  interrupted = 0;
  /** Iterations this instance is scheduled to start. */
  readonly scheduled: number;
  /** Schedule length plus graceful stop, seconds; 0 when this instance has no work in the scenario. */
  readonly maxSeconds: number;

  readonly #times: Float64Array;
  readonly #numbers: Stripes | undefined;
  readonly #idle: Vu[] = [];
  readonly #all: Vu[] = [];
  readonly #running = new Set<Vu>();
  readonly #tags: Tags;
  readonly #droppedTags: Tags;
  readonly #maxVUs: number;
  readonly #scheduleSeconds: number;
  readonly #gracefulSeconds: number;
  #started = 0;
  #initialising = false;
  #stopped = false;
  #wake: (() => void) | undefined;
  #settled: (() => void) | undefined;

  constructor(
    readonly name: string,
    options: ScenarioOptions,
    private readonly iterate: IterationFn,
    private readonly deps: ScenarioDeps,
  ) {
    const plan = instanceSchedule(options, deps.segment);
    this.#times = plan?.times ?? new Float64Array(0);
    this.#numbers = plan?.numbers;
    this.scheduled = this.#times.length;
    this.#scheduleSeconds = scheduleSeconds(options);
    this.#gracefulSeconds =
      options.gracefulStop === undefined
        ? DEFAULT_GRACEFUL_STOP_SECONDS
        : (parseDuration(options.gracefulStop) ?? DEFAULT_GRACEFUL_STOP_SECONDS);
    this.maxSeconds = plan ? this.#scheduleSeconds + this.#gracefulSeconds : 0;
    this.#maxVUs = plan?.maxVUs ?? 0;
    for (let i = 0; i < (plan?.preAllocatedVUs ?? 0); i++) this.#allocate();
    this.#tags = { ...deps.testTags, ...options.tags, scenario: name, group: '' };
    // As k6 tags a drop: the test's tags and `scenario`; no iteration ran, so no group and no scenario tags.
    this.#droppedTags = { ...deps.testTags, scenario: name };
  }

  /** Runs the schedule from `origin` (a performance.now() time) to its end and graceful stop. */
  async run(origin: number): Promise<void> {
    if (!this.#numbers) return;
    // When I/O last had its turn: answers that came in since then have not yet freed their VUs.
    let ioAt = performance.now();
    for (let i = 0; i < this.#times.length && !this.#stopped; ) {
      const plannedAt = origin + this.#times[i]! * 1000;
      const now = performance.now();
      const wait = plannedAt - now;
      if (wait > 1) {
        ioAt = now; // the sleep below waits in the event loop's poll for I/O
        await this.#sleep(wait);
        continue;
      }
      if (now - plannedAt > LATE_MS && now - ioAt > LATE_MS) {
        // A late start (the loop was stalled) first lets in the answers that arrived meanwhile,
        // and a catch-up burst lets them in every LATE_MS: k6's VUs finish while its scheduler
        // runs, so a VU that has in fact finished must not count as busy and drop the start.
        await nextTurn();
        ioAt = performance.now();
        continue;
      }
      this.#start(plannedAt);
      i++;
    }
    if (!this.#stopped) {
      const left = origin + this.#scheduleSeconds * 1000 - performance.now();
      if (left > 0) await this.#sleep(left);
    }
    // Graceful stop: running iterations may finish; then they are interrupted.
    if (this.busy > 0 && !this.#stopped) {
      await Promise.race([
        new Promise<void>((resolve) => (this.#settled = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, this.#gracefulSeconds * 1000).unref()),
      ]);
    }
    this.stop();
    while (this.busy > 0) await new Promise<void>((resolve) => (this.#settled = resolve));
  }

  /** Starts no more iterations and interrupts the running ones. */
  stop(): void {
    this.#stopped = true;
    for (const vu of this.#running) vu.interrupt();
    this.#wake?.();
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((vu) => vu.http.close()));
  }

  #start(plannedAt: number): void {
    const vu = this.#idle.pop();
    if (!vu) {
      this.dropped++;
      this.deps.shared.metrics.add('dropped_iterations', 1, this.#droppedTags);
      // As k6: one VU more, initialised in the background while later starts may still drop.
      if (!this.#initialising && this.allocated < this.#maxVUs) {
        this.#initialising = true;
        setImmediate(() => {
          this.#initialising = false;
          if (!this.#stopped) this.#allocate();
        });
      }
      return;
    }
    const number = ownedIndex(this.#numbers!, this.#started++);
    void this.#run(vu, { number, plannedAt });
  }

  async #run(vu: Vu, iteration: Iteration): Promise<void> {
    this.busy++;
    this.#running.add(vu);
    vu.begin(this.#tags);
    const started = performance.now();
    // How late the start was: the delay k6's iteration_duration and http_req_duration leave out.
    this.deps.shared.metrics.add(
      GeneratorMetric.scheduleLag,
      ns(Math.max(0, started - iteration.plannedAt)),
      this.#tags,
    );
    let count = true;
    try {
      await this.iterate(vu, iteration);
    } catch (error) {
      if (error instanceof Interrupted || vu.interrupted) count = false;
      else this.deps.onIterationError(this.name, error);
    }
    this.#running.delete(vu);
    if (count) {
      const m = this.deps.shared.metrics;
      const at = sampleTimeNow();
      vu.flushData();
      const end = performance.now();
      m.add('iteration_duration', ns(end - started), this.#tags, at);
      m.add(
        GeneratorMetric.intendedIterationDuration,
        ns(end - Math.min(started, iteration.plannedAt)),
        this.#tags,
        at,
      );
      m.add('iterations', 1, this.#tags, at);
      this.completed++;
    } else {
      vu.flushData();
      this.interrupted++;
    }
    this.busy--;
    this.#idle.push(vu);
    if (this.busy === 0) this.#settled?.();
  }

  #allocate(): void {
    const vu = new Vu(this.deps.nextVuId(), this.deps.shared);
    this.#all.push(vu);
    this.#idle.unshift(vu); // new VUs last: warm connections are reused first
    this.allocated++;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
