/**
 * What a load runner of `npm run bench -- load` (bench/load-runners/*.ts, each in a child process
 * of its own) prints on stdout: one line, RESULT_MARKER followed by a RunnerResult as JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const RESULT_MARKER = 'BENCH-RESULT ';

export interface RunnerResult {
  readonly tool: string;
  /** the engine's exit code (k6's codes: 0, 99 thresholds, …); 0 for autocannon */
  readonly exitCode: number;
  /** HTTP requests answered (or failed) during the run */
  readonly requests: number;
  /** requests that got no answer or an unexpected status */
  readonly failed: number;
  readonly iterations: number;
  /** iterations not started because every VU was busy (the engine); 0 for autocannon */
  readonly dropped: number;
  /** CPU time of the whole process, user + system, every thread, start-up included */
  readonly cpuSeconds: number;
  /** CPU time from just before the load started to its end (raw output closed) */
  readonly loadCpuSeconds: number;
  readonly loadWallSeconds: number;
  /** the schedule as run: the engine's test run duration, autocannon's duration */
  readonly runSeconds: number;
  /** peak resident set size of the process */
  readonly maxRssMB: number;
  /** distinct VUs (engine) or connections (autocannon) that sent a request */
  readonly vusUsed: number;
  /** most iterations running at once (engine); connections for autocannon */
  readonly maxBusyVus: number;
  /** size of the gzipped raw output; 0 without one */
  readonly rawBytes: number;
  /** CPU seconds (user, system) by thread name, from /proc/self/task (Linux only): where the process's time went */
  readonly threads?: Readonly<Record<string, { readonly user: number; readonly system: number }>>;
  /** highest of each part of process.memoryUsage(), MB, sampled every 250 ms: what the peak RSS is made of */
  readonly peakMemoryMB?: Readonly<Record<string, number>>;
  /** the last messages the tool logged, if any */
  readonly log?: string;
}

/** The RunnerResult in a runner's stdout, or undefined when it printed none. */
export function parseRunnerOutput(stdout: string): RunnerResult | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as RunnerResult);
}

/**
 * CPU time of this process by thread name (the main thread is the process's own name, e.g.
 * "node"; V8's GC and compiler helpers "V8 DefaultWorke"; libuv's pool, where gzip runs,
 * "libuv-worker"), from /proc/self/task/<tid>/stat; undefined where there is no /proc.
 */
export function threadCpu(): Record<string, { user: number; system: number }> | undefined {
  const ticks = 100; // USER_HZ on Linux
  try {
    const byName: Record<string, { user: number; system: number }> = {};
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const entry = (byName[name] ??= { user: 0, system: 0 });
      entry.user += Number(fields[11]) / ticks;
      entry.system += Number(fields[12]) / ticks;
    }
    return byName;
  } catch {
    return undefined;
  }
}

/** Samples process.memoryUsage() every `ms` and keeps the highest of each part (MB); stop() returns them. */
export function watchMemory(ms = 250): { stop(): Record<string, number> } {
  const peak: Record<string, number> = {};
  const sample = () => {
    for (const [key, bytes] of Object.entries(process.memoryUsage()))
      peak[key] = Math.max(peak[key] ?? 0, Math.round(bytes / 1048576));
  };
  sample();
  const timer = setInterval(sample, ms);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
