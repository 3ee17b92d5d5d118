/**
 * The scale half of `npm run bench -- verify`: for each scale, `npm run seed` makes a run on the
 * configured target, `npm run verify -- --seed-run <id> --no-load` judges it in a child process
 * (wall time, CPU seconds and peak RSS of verify alone), and `npm run seed -- --clean` removes it,
 * so the target holds afterwards what it held before. The anchor is the smallest scale of the same
 * invocation: verify grows at most linearly when the largest scale's time per user stays within
 * the smallest's. Aims (issue "seed and verify at staging scale"): scale 10 under 30 s and 250 MB.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config.ts';
import { EnvironmentError, verdictCodes } from '../../lib/errors.ts';
import { exec } from '../../lib/exec.ts';
import { scriptArgv } from '../../lib/launch.ts';
import { repoRoot } from '../../lib/paths.ts';
import { targetUrls } from '../../lib/target-identity.ts';
import { userCount } from '../../model/behaviour.ts';
import { readSeedResult } from '../../seed/result-file.ts';
import { startDelayProxy } from './delay-proxy.ts';

export interface ScaleMeasured {
  readonly scale: number;
  readonly users: number;
  readonly seconds: number;
  readonly cpu: number;
  readonly rssMb: number;
  readonly verdict: string;
  readonly gates: Readonly<Record<string, string>>;
  /** The same seed run verified with every App API call held `delayMs` (--app-delay), when asked. */
  readonly delayed?: { readonly delayMs: number; readonly seconds: number; readonly appCalls: number };
}

/** A kit script in a child process; an exit code outside `okCodes` fails the benchmark. */
async function node(
  args: readonly string[],
  what: string,
  { env = process.env, okCodes = [0] }: { env?: NodeJS.ProcessEnv; okCodes?: readonly number[] } = {},
) {
  const result = await exec(process.execPath, [...args], { cwd: repoRoot, env });
  if (result.code === null || !okCodes.includes(result.code))
    throw new EnvironmentError(
      `${what} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  return result;
}

/**
 * Seeds, verifies and cleans one scale; the run is cleaned even when verify fails. With `delayMs` the
 * same run is verified again with the App API behind a proxy that holds each call that long.
 */
export async function verifyAtScale(
  scale: number,
  out: (line: string) => void,
  delayMs?: number,
): Promise<ScaleMeasured> {
  const work = path.join(os.tmpdir(), `kit-bench-verify-scale-${process.pid}-${scale}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const seedFile = path.join(work, 'seed.json');
  out(`seed: npm run seed -- --scale ${scale} …`);
  await node(
    scriptArgv('seed.ts', [
      '--scale',
      String(scale),
      '--seed',
      `bench-verify-${scale}-${Date.now()}`,
      '--result-file',
      seedFile,
    ]),
    `seed of scale ${scale}`,
  );
  const seeded = readSeedResult(seedFile, 'seeded');
  try {
    const rssFile = path.join(work, 'rss.txt');
    const report = path.join(work, 'report');
    out(`verify: npm run verify -- --seed-run ${seeded.runId} --no-load …`);
    const started = process.hrtime.bigint();
    await node(
      scriptArgv(
        'verify.ts',
        ['--seed-run', seeded.runId, '--no-load', '--out', report],
        [path.join(repoRoot, 'bench', 'verify-support', 'rss-at-exit.ts')],
      ),
      `verify of scale ${scale}`,
      // NO-GO (1) and CONDITIONAL with an unjudged gate (4) are verdicts, measured like any other.
      { env: { ...process.env, BENCH_RSS_FILE: rssFile }, okCodes: verdictCodes },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { rssKb: number; cpuSeconds: number };
    const summary = JSON.parse(readFileSync(path.join(report, 'summary.json'), 'utf8')) as {
      verdict: string;
      gates: { id: string; status: string }[];
    };
    let delayed: ScaleMeasured['delayed'];
    if (delayMs !== undefined) {
      const appUrl = targetUrls(loadConfig()).appUrl;
      if (appUrl === undefined)
        throw new EnvironmentError('--app-delay: no App API URL (KIT_APP_URL) to put a delay in front of');
      const proxy = await startDelayProxy(appUrl, delayMs);
      try {
        out(`verify: the same, every App API call held ${delayMs} ms …`);
        const startedDelayed = process.hrtime.bigint();
        await node(
          scriptArgv('verify.ts', ['--seed-run', seeded.runId, '--no-load', '--out', `${report}-delayed`]),
          `verify of scale ${scale} at a distance`,
          { env: { ...process.env, KIT_APP_URL: proxy.url }, okCodes: verdictCodes },
        );
        delayed = {
          delayMs,
          seconds: Number(process.hrtime.bigint() - startedDelayed) / 1e9,
          appCalls: proxy.requests(),
        };
      } finally {
        await proxy.stop();
      }
    }
    return {
      ...(delayed ? { delayed } : {}),
      scale,
      users: userCount(scale),
      seconds,
      cpu: usage.cpuSeconds,
      rssMb: usage.rssKb / 1024,
      verdict: summary.verdict,
      gates: Object.fromEntries(summary.gates.map((g) => [g.id, g.status])),
    };
  } finally {
    out(`clean: npm run seed -- --clean ${seeded.runId} …`);
    await node(scriptArgv('seed.ts', ['--clean', seeded.runId]), `clean of ${seeded.runId}`);
    rmSync(work, { recursive: true, force: true });
  }
}

/** The table and the aims, for the measured scales (sorted by scale). */
export function reportScales(measured: readonly ScaleMeasured[], out: (line: string) => void): void {
  const sorted = [...measured].sort((a, b) => a.scale - b.scale);
  out('');
  out('scale    users   verify s   CPU-s   ms/user   peak RSS MB   database gates (seed only)');
  for (const m of sorted) {
    const judged = ['attribution-history', 'data-integrity', 'preference-accuracy', 'recommendation-accuracy'];
    out(
      `${String(m.scale).padStart(5)}  ${String(m.users).padStart(7)}  ${m.seconds.toFixed(1).padStart(9)}  ${m.cpu.toFixed(1).padStart(6)}  ${((m.seconds / Math.max(1, m.users)) * 1000).toFixed(2).padStart(8)}  ${m.rssMb.toFixed(0).padStart(12)}   ${judged.map((g) => `${g} ${m.gates[g] ?? '?'}`).join(', ')}`,
    );
  }
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first && last && last !== first) {
    const growth = last.seconds / last.users / (first.seconds / first.users);
    out(
      `time per user, scale ${last.scale} / scale ${first.scale}   ${growth.toFixed(2)}x   ${growth <= 1 ? 'meets' : 'MISSES'} the aim <= 1x (at most linear in the users)`,
    );
  }
  for (const m of sorted.filter((x) => x.delayed !== undefined))
    out(
      `verify at scale ${m.scale}, App API ${m.delayed!.delayMs} ms away   ${m.delayed!.seconds.toFixed(1)} s for ${m.delayed!.appCalls} App API calls (anchor: ${m.seconds.toFixed(1)} s without the delay, ${(m.delayed!.seconds / m.seconds).toFixed(2)}x)${m.scale === 10 ? `   ${m.delayed!.seconds < 30 ? 'meets' : 'MISSES'} the aim < 30 s` : ''}`,
    );
  for (const m of sorted.filter((x) => x.scale === 10))
    out(
      `verify at scale 10   ${m.seconds.toFixed(1)} s, ${m.rssMb.toFixed(0)} MB   ${m.seconds < 30 && m.rssMb < 250 ? 'meets' : 'MISSES'} the aim < 30 s and < 250 MB`,
    );
}
