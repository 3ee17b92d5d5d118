/**
 * The anchor of `npm run bench -- load`: autocannon (a dev dependency) sending GETs of one URL at a
 * fixed overall rate, in a child process of its own so its CPU time and peak RSS are its own:
 *
 *   node --import tsx bench/load-runners/autocannon.ts '{"url":…,"rate":2000,"seconds":20,"connections":100}'
 *
 * Loaded the same way as the engine runner (node --import tsx), so both pay the same loader.
 * Prints one line `BENCH-RESULT {json}` (a RunnerResult) on stdout.
 */
import { createRequire } from 'node:module';
import { RESULT_MARKER, type RunnerResult, threadCpu, watchMemory } from './protocol.ts';

export interface AutocannonRunnerConfig {
  readonly url: string;
  /** requests per second over all connections (autocannon's overallRate) */
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
}

interface AutocannonResult {
  readonly requests: { readonly total: number; readonly sent: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly duration: number;
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as AutocannonRunnerConfig;
  const autocannon = createRequire(import.meta.url)('autocannon') as (
    opts: Record<string, unknown>,
  ) => Promise<AutocannonResult>;
  const memory = watchMemory();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    overallRate: config.rate,
    duration: config.seconds,
    pipelining: 1,
    timeout: 60,
  });
  const loadCpu = cpuSeconds(process.cpuUsage(cpuBefore));
  const loadWall = (performance.now() - wallBefore) / 1000;
  const out: RunnerResult = {
    tool: 'autocannon',
    exitCode: 0,
    requests: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
    iterations: result.requests.total,
    dropped: 0,
    cpuSeconds: cpuSeconds(process.cpuUsage()),
    loadCpuSeconds: loadCpu,
    loadWallSeconds: loadWall,
    runSeconds: result.duration,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    vusUsed: config.connections,
    maxBusyVus: config.connections,
    rawBytes: 0,
    threads: threadCpu(),
    peakMemoryMB: memory.stop(),
  };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(out)}\n`);
}

await main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
