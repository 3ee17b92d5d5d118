/**
 * `npm run bench -- report` (flags: `benchParts.report` in lib/commands.ts): verify's k6 pass over a
 * gzipped k6-like raw output of --lines lines (generated once, deterministically, into .kit/bench/), and as
 * the anchor, in the same process and on the same file, the rate of merely decompressing it and
 * counting its lines. Prints lines/s of both, their ratio and the process's peak RSS.
 * Aims: ≥ 1,000,000 lines/s, ≥ 0.35x the anchor, peak RSS < 250 MB.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseCommand } from '../lib/cli.ts';
import { benchParts } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { repoRoot } from '../lib/paths.ts';
import { readLoadEvidence } from '../verify/k6/load-evidence.ts';
import { openNdjson } from '../verify/k6/raw-file.ts';
import { writeSyntheticOutput } from '../verify/k6/synthetic-output.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

function peakRssMb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** The anchor: gunzip and count newlines, nothing else. */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of (await openNdjson(file)) as AsyncIterable<Buffer>) {
    let i = chunk.indexOf(0x0a);
    while (i >= 0) {
      lines += 1;
      i = chunk.indexOf(0x0a, i + 1);
    }
  }
  return lines;
}

/** Wall seconds, and CPU seconds of the whole process (all threads: the inflating thread pool too). */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpu: number }> {
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

export default async function bench(argv: string[]): Promise<number> {
  const { values } = parseCommand(benchParts.report, argv);
  const lines = Number(values.lines);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(lines) || lines < 1000)
    throw new UsageError(`--lines: expected an integer ≥ 1000, received ${JSON.stringify(values.lines)}`);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(`--rounds: expected an integer ≥ 1, received ${JSON.stringify(values.rounds)}`);
  const config = loadConfig();
  const dir = path.join(config.stateDir, 'bench', `report-${lines}`);
  const file = path.join(dir, 'k6-raw.json.gz');
  if (values['generate-only']) {
    mkdirSync(dir, { recursive: true });
    await writeSyntheticOutput(file, { lines });
    return 0;
  }
  if (!existsSync(file)) {
    out(`generating ${fmt(lines)} k6-like lines into ${file} (once; kept for later runs)…`);
    // In a child process, so the peak RSS printed below is the measured passes' alone.
    const gen = await timed(() =>
      exec(process.execPath, [
        ...process.execArgv,
        path.join(repoRoot, 'scripts', 'bench.ts'),
        'report',
        '--generate-only',
        '--lines',
        String(lines),
      ]),
    );
    if (gen.value.code !== 0 || !existsSync(file))
      throw new EnvironmentError(
        `generating ${file} failed: ${gen.value.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    out(`  generated in ${gen.seconds.toFixed(1)} s`);
  }
  out(`file: ${file} (${(statSync(file).size / 1024 / 1024).toFixed(1)} MB gzipped)`);

  let bestAnchor = Number.POSITIVE_INFINITY;
  let bestVerify = Number.POSITIVE_INFINITY;
  let cpuAnchor = Number.POSITIVE_INFINITY;
  let cpuVerify = Number.POSITIVE_INFINITY;
  let verifiedLines = 0;
  let summary = '';
  // Alternate the two passes so both see the same machine conditions; keep each one's best.
  for (let round = 1; round <= rounds; round++) {
    const anchor = await timed(() => countLines(file));
    if (anchor.value !== lines) throw new Error(`anchor counted ${anchor.value} lines, expected ${lines}`);
    const verify = await timed(() => readLoadEvidence([dir]));
    const load = verify.value;
    verifiedLines = load.sources[0]!.lines;
    if (verifiedLines !== lines || load.sources[0]!.problems.length > 0)
      throw new Error(`verify read ${verifiedLines} lines with problems ${load.sources[0]!.problems.join('; ')}`);
    bestAnchor = Math.min(bestAnchor, anchor.seconds);
    bestVerify = Math.min(bestVerify, verify.seconds);
    cpuAnchor = Math.min(cpuAnchor, anchor.cpu);
    cpuVerify = Math.min(cpuVerify, verify.cpu);
    summary = `${load.endpoints.length} endpoints, ${fmt(load.overall.requests)} requests, overall p95 ${load.overall.latency.p95} ms, ${load.windows.length} windows of ${load.windowSeconds} s, ${fmt(load.iterations.completed)} iterations`;
    out(
      `round ${round}: anchor ${fmt(lines / anchor.seconds)} lines/s (${anchor.seconds.toFixed(2)} s wall, ${anchor.cpu.toFixed(2)} s CPU), ` +
        `verify ${fmt(lines / verify.seconds)} lines/s (${verify.seconds.toFixed(2)} s wall, ${verify.cpu.toFixed(2)} s CPU)`,
    );
  }
  const verifyRate = lines / bestVerify;
  const anchorRate = lines / bestAnchor;
  const ratio = verifyRate / anchorRate;
  const rss = peakRssMb();
  out(`verify read: ${summary}`);
  out('');
  out(`lines                      ${fmt(lines)}`);
  out(`anchor (gunzip + count)    ${fmt(anchorRate)} lines/s`);
  out(
    `verify k6 pass             ${fmt(verifyRate)} lines/s   ${verifyRate >= 1_000_000 ? 'meets' : 'MISSES'} the aim ≥ 1,000,000`,
  );
  out(`verify / anchor            ${ratio.toFixed(2)}x   ${ratio >= 0.35 ? 'meets' : 'MISSES'} the aim ≥ 0.35x`);
  // On a shared machine wall time swings with other load; CPU time shows the work itself.
  out(
    `per CPU-second             anchor ${fmt(lines / cpuAnchor)} lines, verify ${fmt(lines / cpuVerify)} lines (${(cpuAnchor / cpuVerify).toFixed(2)}x)`,
  );
  out(`peak RSS (whole process)   ${rss.toFixed(0)} MB   ${rss < 250 ? 'meets' : 'MISSES'} the aim < 250 MB`);
  return 0;
}
