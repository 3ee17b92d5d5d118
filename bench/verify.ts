/**
 * `npm run bench -- verify` (flags: `benchParts.verify` in lib/commands.ts):
 * `npm run verify` of peak runs of different lengths at the same rate on the same seed, each in a
 * child process as a user runs it: wall time, the child's peak RSS, raw lines and `aclue_writes`
 * points of the run, and time per raw line. Without --runs it first makes the runs itself
 * (`npm run load -- peak` with K6_PROFILE_DURATION set to each duration, into <state dir>/bench/),
 * against the configured target (the local stack by default), which takes as long as the runs.
 * The anchor is the shortest run in the same invocation: verify is linear in its evidence when the
 * time per raw line of the longest run stays within 2x of the shortest's. Also checked: a 10-minute
 * run verifies in under 60 s.
 * Aims: per-line time longest / shortest <= 2; verify of the 10-minute run < 60 s.
 * Then the same at seed scales (bench/verify-support/scales.ts): verify of a seed run alone at
 * scales 1, 10 and 30, its time per user at most linear, scale 10 under 30 s and 250 MB.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommand } from '../lib/cli.ts';
import { benchParts } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { scriptArgv } from '../lib/launch.ts';
import { repoRoot } from '../lib/paths.ts';
import { parseDuration } from '../scenarios/lib/env.ts';
import { reportScales, type ScaleMeasured, verifyAtScale } from './verify-support/scales.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

function seconds(text: string): number {
  const s = parseDuration(text.trim());
  if (s === undefined || s <= 0)
    throw new UsageError(`--durations: expected durations such as 30s, 150s or 10m, received ${JSON.stringify(text)}`);
  return s;
}

interface Measured {
  readonly run: string;
  readonly durationSeconds: number;
  readonly lines: number;
  readonly writes: number;
  readonly seconds: number;
  /** CPU seconds of the verify process itself: less swayed by other work on the machine than wall time. */
  readonly cpu: number;
  readonly rssMb: number;
  readonly verdict: string;
  readonly database: string;
}

/** One `npm run verify` in a child process; its peak RSS comes from the child itself at exit. */
async function verifyOnce(runDir: string, baseline: string | undefined): Promise<Omit<Measured, 'run'>> {
  const outDir = path.join(os.tmpdir(), `kit-bench-verify-${process.pid}-${Date.now()}`);
  const rssFile = path.join(outDir, 'rss.txt');
  mkdirSync(outDir, { recursive: true });
  const args = scriptArgv(
    'verify.ts',
    ['--run', runDir, ...(baseline ? ['--baseline', baseline] : []), '--out', outDir],
    [path.join(repoRoot, 'bench', 'verify-support', 'rss-at-exit.ts')],
  );
  const start = process.hrtime.bigint();
  const result = await exec(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.code !== 0 && result.code !== 1)
    throw new EnvironmentError(
      `verify of ${runDir} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  const summary = JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as {
    verdict: string;
    gates: { id: string; status: string }[];
    load?: {
      sources: { lines: number; load?: { startedAt?: string; finishedAt?: string } }[];
      counters: Record<string, number>;
      durationSeconds: number;
    };
  };
  const usage = existsSync(rssFile)
    ? (JSON.parse(readFileSync(rssFile, 'utf8')) as { rssKb: number; cpuSeconds: number })
    : undefined;
  rmSync(outDir, { recursive: true, force: true });
  return {
    durationSeconds: summary.load?.durationSeconds ?? 0,
    lines: (summary.load?.sources ?? []).reduce((s, x) => s + x.lines, 0),
    writes: summary.load?.counters['aclue_writes'] ?? 0,
    seconds: wall,
    cpu: usage?.cpuSeconds ?? Number.NaN,
    rssMb: (usage?.rssKb ?? Number.NaN) / 1024,
    verdict: summary.verdict,
    database: summary.gates.find((g) => g.id === 'database')?.status ?? '?',
  };
}

/** A peak run of `duration` into `dir` with the user's command; the run folder is kept for later rounds. */
async function makeRun(dir: string, duration: string): Promise<void> {
  out(`load: npm run load -- peak (K6_PROFILE_DURATION=${duration}) into ${dir} …`);
  rmSync(dir, { recursive: true, force: true });
  const result = await exec(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'scripts', 'load.ts'), 'peak', '--out-dir', dir],
    {
      cwd: repoRoot,
      env: { ...process.env, K6_PROFILE_DURATION: duration },
    },
  );
  if (result.code !== 0 && result.code !== 99)
    throw new EnvironmentError(
      `load of ${duration} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
}

export default async function bench(argv: string[]): Promise<number> {
  const { values } = parseCommand(benchParts.verify, argv);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(`--rounds: expected an integer ≥ 1, received ${JSON.stringify(values.rounds)}`);
  const scales =
    values.scales === 'none'
      ? []
      : values.scales.split(',').map((x) => {
          const n = Number(x.trim());
          if (!(n > 0))
            throw new UsageError(`--scales: expected positive numbers or none, received ${JSON.stringify(x)}`);
          return n;
        });
  let runs: string[];
  if (values.runs) runs = values.runs.split(',').map((d) => path.resolve(d.trim()));
  else if (values.durations === 'none') runs = [];
  else {
    const durations = values.durations.split(',').map((d) => d.trim());
    durations.forEach(seconds);
    const dir = path.join(loadConfig().stateDir, 'bench', 'verify');
    runs = durations.map((d) => path.join(dir, `peak-${d}`));
    for (const [i, d] of durations.entries()) await makeRun(runs[i]!, d);
  }
  for (const run of runs) if (!existsSync(run)) throw new UsageError(`--runs: ${run} does not exist`);
  const baseline = values.baseline ? path.resolve(values.baseline) : undefined;

  const measured: Measured[] = [];
  for (const run of runs) {
    let bestRun: Omit<Measured, 'run'> | undefined;
    for (let r = 0; r < rounds; r += 1) {
      const m = await verifyOnce(run, baseline);
      if (bestRun === undefined || m.seconds < bestRun.seconds) bestRun = m;
    }
    measured.push({ run: path.basename(run), ...bestRun! });
    const m = measured.at(-1)!;
    out(
      `${m.run}: ${fmt(m.lines)} lines, ${fmt(m.writes)} writes, verify ${m.seconds.toFixed(1)} s (${m.cpu.toFixed(1)} CPU-s), peak RSS ${m.rssMb.toFixed(0)} MB, ${m.verdict} (database ${m.database})`,
    );
  }
  if (measured.length > 0) reportRuns(measured);
  const atScales: ScaleMeasured[] = [];
  const delay = values['app-delay'] === undefined ? undefined : Number(values['app-delay']);
  if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0))
    throw new UsageError(`--app-delay: expected whole milliseconds, received ${JSON.stringify(values['app-delay'])}`);
  for (const scale of scales) atScales.push(await verifyAtScale(scale, out, delay));
  if (atScales.length > 0) reportScales(atScales, out);
  return 0;
}

/** The table and aims of the load runs of different lengths. */
function reportRuns(measured: Measured[]): void {
  measured.sort((a, b) => a.lines - b.lines);
  out('');
  out(
    'run                 length   raw lines   aclue_writes   verify s   CPU-s   µs/line   peak RSS MB   verdict (database gate)',
  );
  for (const m of measured) {
    out(
      `${m.run.padEnd(18)}  ${`${Math.round(m.durationSeconds)} s`.padStart(6)}  ${fmt(m.lines).padStart(10)}  ${fmt(m.writes).padStart(13)}  ${m.seconds.toFixed(1).padStart(9)}  ${m.cpu.toFixed(1).padStart(6)}  ${((m.seconds / m.lines) * 1e6).toFixed(1).padStart(8)}  ${m.rssMb.toFixed(0).padStart(12)}   ${m.verdict} (${m.database})`,
    );
  }
  const first = measured[0]!;
  const last = measured.at(-1)!;
  const growth = last.seconds / last.lines / (first.seconds / first.lines);
  out('');
  out(
    `per-line time, longest / shortest   ${growth.toFixed(2)}x   ${growth <= 2 ? 'meets' : 'MISSES'} the aim <= 2x (linear in the evidence)`,
  );
  // Verify has a fixed cost (start-up, API probes, whole-table checks) that a short run's per-line time
  // carries alone; the cost of each further line, between consecutive runs, shows a quadratic term
  // (cost growing with writes x rows) where the per-line ratio would hide it behind that fixed cost.
  // CPU time, as wall time on a shared machine swings by more than the work a few thousand lines add.
  const slopes = measured
    .slice(1)
    .map((m, i) => (m.cpu - measured[i]!.cpu) / Math.max(1, m.lines - measured[i]!.lines));
  if (slopes.length >= 2) {
    const growing = slopes.every((x) => x > 0);
    const slopeGrowth = slopes.at(-1)! / slopes[0]!;
    out(
      `marginal CPU-µs per added line     ${slopes.map((x) => (x * 1e6).toFixed(1)).join(' → ')}   ` +
        (growing
          ? `(${slopeGrowth.toFixed(2)}x; ${slopeGrowth <= 2 ? 'linear' : 'MORE than linear'}: above 2x the cost of a line grows with the run)`
          : '(within the noise of the fixed cost)'),
    );
  }
  const tenMinutes = measured.filter((m) => m.durationSeconds >= 590);
  for (const m of tenMinutes)
    out(
      `verify of ${m.run} (${Math.round(m.durationSeconds)} s run)   ${m.seconds.toFixed(1)} s   ${m.seconds < 60 ? 'meets' : 'MISSES'} the aim < 60 s`,
    );
}
