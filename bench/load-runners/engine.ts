/**
 * One measured load of `npm run bench -- load`, run in a child process of its own so that the
 * process's CPU time (user + system, all threads: the event loop, gzip on the thread pool, GC) and
 * its peak RSS belong to this load alone:
 *
 *   node --import tsx bench/load-runners/engine.ts '<RunnerConfig as JSON>'
 *
 * Two kinds of script on the kit's engine (engine/run.ts), both with raw output (k6's
 * `--out json=FILE.gz`) on:
 *   - `bare`: a GET of one URL per iteration at a constant arrival rate, optionally followed by
 *     `rt.sleep(sleepSeconds)` (so a modest rate keeps many VUs busy, for the RSS figure);
 *   - `kit`: the kit's own journeys for a profile (engine/kit-script.ts), its settings read from the
 *     K6_* environment exactly as engine/cli.ts reads them.
 *
 * Prints one line `BENCH-RESULT {json}` (a RunnerResult) on stdout; everything else goes to stderr.
 * Lives in a folder of its own so that scripts/bench.ts does not take it for a bench part.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_NAME, type EngineScript, runEngine } from '../../engine/run.ts';
import type { SummaryObject } from '../../engine/summary-data.ts';
import { repoRoot } from '../../lib/paths.ts';
import type { ProfileName } from '../../model/profiles.ts';
import { parseScenarioEnv } from '../../scenarios/lib/env.ts';
import { SUMMARY_TREND_STATS } from '../../scenarios/lib/options.ts';
import type { RequestSpec } from '../../scenarios/lib/requests.ts';
import { RESULT_MARKER, type RunnerResult, threadCpu, watchMemory } from './protocol.ts';

export type EngineRunnerConfig =
  | {
      readonly kind: 'bare';
      readonly url: string;
      /** iterations per second */
      readonly rate: number;
      readonly seconds: number;
      /** pre-allocated (= maximum) VUs */
      readonly vus: number;
      /** a pause after the GET, seconds; 0 for none */
      readonly sleepSeconds: number;
      /** the raw output file; omitted: no raw output (a diagnostic, to see what it costs) */
      readonly rawOut?: string;
    }
  | {
      readonly kind: 'kit';
      readonly profile: ProfileName;
      readonly rawOut?: string;
    };

/** k6's default expected statuses: 200 to 399. */
const EXPECTED = Array.from({ length: 200 }, (_, i) => 200 + i);

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as EngineRunnerConfig;
  // What the VUs did, seen from the script: distinct VUs that ran an iteration, most at once.
  const usedVus = new Set<number>();
  let busy = 0;
  let maxBusy = 0;
  let summary: SummaryObject | undefined;

  let script: EngineScript<unknown>;
  if (config.kind === 'bare') {
    const request: RequestSpec = {
      method: 'GET',
      url: config.url,
      headers: {},
      body: undefined,
      name: 'health',
      expected: EXPECTED,
      ownResource: false,
    };
    script = {
      options: {
        scenarios: {
          bare: {
            executor: 'constant-arrival-rate',
            rate: config.rate,
            timeUnit: '1s',
            duration: `${config.seconds}s`,
            preAllocatedVUs: config.vus,
            maxVUs: config.vus,
            exec: 'bare',
            gracefulStop: '10s',
          },
        },
        thresholds: {},
        summaryTrendStats: [...SUMMARY_TREND_STATS],
        tags: { profile: 'bench' },
        userAgent: `aclue-signoff-kit (${ENGINE_NAME})`,
      },
      customMetrics: [],
      setup: async () => undefined,
      exec: {
        bare: async (rt, it) => {
          usedVus.add(it.vuId);
          if (++busy > maxBusy) maxBusy = busy;
          try {
            await rt.request(request, 60);
            if (config.sleepSeconds > 0) await rt.sleep(config.sleepSeconds);
          } finally {
            busy--;
          }
        },
      },
      handleSummary: (data) => {
        summary = data;
        return {};
      },
    };
  } else {
    const { kitScript } = await import('../../engine/kit-script.ts');
    const env = parseScenarioEnv(process.env, (file) => readFileSync(path.resolve(repoRoot, file), 'utf8'));
    const kit = kitScript(config.profile, env, repoRoot) as EngineScript<unknown>;
    script = {
      ...kit,
      exec: Object.fromEntries(
        Object.entries(kit.exec).map(([name, fn]) => [
          name,
          async (rt: Parameters<typeof fn>[0], it: Parameters<typeof fn>[1], data: unknown) => {
            usedVus.add(it.vuId);
            if (++busy > maxBusy) maxBusy = busy;
            try {
              await fn(rt, it, data);
            } finally {
              busy--;
            }
          },
        ]),
      ),
      // The kit's own summary files are still built (they are part of a run's cost).
      handleSummary: (data) => {
        summary = data;
        return kit.handleSummary(data);
      },
    };
  }

  let log = '';
  const memory = watchMemory();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const exitCode = await runEngine(script, {
    ...(config.rawOut === undefined ? {} : { rawOut: config.rawOut }),
    log: (text) => {
      if (!text.startsWith('running') && !text.startsWith('\r')) log += text;
    },
    tty: false,
    stdout: () => undefined,
  });
  const loadCpu = cpuSeconds(process.cpuUsage(cpuBefore));
  const loadWall = (performance.now() - wallBefore) / 1000;

  const metric = (name: string, value: string) => summary?.metrics[name]?.values[value] ?? 0;
  const requests = metric('http_reqs', 'count');
  const rawBytes = config.rawOut !== undefined && existsSync(config.rawOut) ? statSync(config.rawOut).size : 0;
  const result: RunnerResult = {
    tool: ENGINE_NAME,
    exitCode,
    requests,
    failed: Math.round(metric('http_req_failed', 'rate') * requests),
    iterations: metric('iterations', 'count'),
    dropped: metric('dropped_iterations', 'count'),
    cpuSeconds: cpuSeconds(process.cpuUsage()),
    loadCpuSeconds: loadCpu,
    loadWallSeconds: loadWall,
    runSeconds: (summary?.state.testRunDurationMs ?? loadWall * 1000) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    vusUsed: usedVus.size,
    maxBusyVus: maxBusy,
    rawBytes,
    threads: threadCpu(),
    peakMemoryMB: memory.stop(),
    ...(log.trim() ? { log: log.trim().split('\n').slice(-5).join(' | ') } : {}),
  };
  if (config.rawOut !== undefined) rmSync(config.rawOut, { force: true });
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

await main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
