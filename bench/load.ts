/**
 * `npm run bench -- load` (flags and their defaults: `benchParts.load` in lib/commands.ts):
 * what the kit's load engine (engine/) costs the machine that generates load. Against one fresh,
 * seeded database with its own PostgREST and the kit's server, each measured load runs in a child
 * process of its own (bench/load-runners/), which reports its own CPU time (user + system, every
 * thread) and peak RSS:
 *
 *   1. efficiency: a bare GET of /api/v1/health at each fixed arrival rate (default 2,000/s and
 *      4,000/s), by the engine with raw output on (k6's `--out json=FILE.gz`) and, as the anchor, by
 *      autocannon at the same overall rate. Requests per CPU-second, engine ÷ autocannon: aim
 *      >= 0.5 with nothing dropped. For scale, k6 v2.2.0 with `--out json` sits at about 0.15.
 *      The same pair also runs at the first rate against a minimal Node server, as k6's 0.15 was
 *      measured (a reference, not an aim);
 *   2. journey overhead: the smoke mix (smoke's relative rates x F, no think time) through the
 *      baseline profile's constant arrival rates, then a bare GET at the request rate the mix
 *      reached. CPU per request, journeys ÷ bare GET: aim <= 1.5;
 *   3. memory: the bare GET followed by a 1 s sleep, at a rate that keeps N VUs (default 1,000)
 *      busy. Peak RSS: aim < 200 MB.
 *
 * Each figure is given for the load phase (from just before the load starts to the raw output
 * closed; the aims are judged on it) and for the whole process (start-up included). The machine's
 * load average is printed: other work on it moves the absolute figures, less so the ratios.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommand } from '../lib/cli.ts';
import { benchParts, processes } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { repoRoot } from '../lib/paths.ts';
import { withClient } from '../lib/pg/connect.ts';
import { type JourneyName, journeyNames, profiles } from '../model/profiles.ts';
import { routePath, routes } from '../model/target.ts';
import { writeManifest } from '../seed/manifest.ts';
import { runSeed } from '../seed/run.ts';
import { databaseTarget, ensureServer } from '../stack/database.ts';
import { migrate } from '../stack/migrate.ts';
import { localKeys } from '../stack/server/keys.ts';
import type { AutocannonRunnerConfig } from './load-runners/autocannon.ts';
import type { EngineRunnerConfig } from './load-runners/engine.ts';
import { parseRunnerOutput, type RunnerResult } from './load-runners/protocol.ts';
import { startBenchServers } from './stack-support/bench-servers.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

const AIM_EFFICIENCY = 0.5;
const AIM_OVERHEAD = 1.5;
const AIM_RSS_MB = 200;
/** k6 v2.2.0 with --out json, 40k requests at 2,000/s against a minimal Node server: 11.5 CPU-s vs autocannon's 1.8 CPU-s. */
const K6_REFERENCE_RATIO = 3.5 / 23;

interface Measurement extends RunnerResult {
  readonly label: string;
}

export default async function main(argv: string[]): Promise<number> {
  const { values } = parseCommand(benchParts.load, argv);
  const seconds = Number(values.seconds);
  const factor = Number(values.factor);
  const vus = Number(values.vus);
  const rates = values.rates.split(',').map((r) => Number(r.trim()));
  if (!Number.isInteger(seconds) || seconds < 5)
    throw new UsageError(
      `bench load: --seconds expects whole seconds >= 5, received ${JSON.stringify(values.seconds)}`,
    );
  if (!Number.isInteger(factor) || factor < 1)
    throw new UsageError(`bench load: --factor expects an integer >= 1, received ${JSON.stringify(values.factor)}`);
  if (!Number.isInteger(vus) || vus < 10)
    throw new UsageError(`bench load: --vus expects an integer >= 10, received ${JSON.stringify(values.vus)}`);
  if (rates.length === 0 || rates.some((r) => !Number.isInteger(r) || r < 10)) {
    throw new UsageError(
      `bench load: --rates expects comma-separated whole requests per second >= 10, received ${JSON.stringify(values.rates)}`,
    );
  }
  const cpuProfDir = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

  const config = loadConfig({ flags: values });
  await ensureServer(config, () => undefined);
  const server = databaseTarget(config);

  const name = `kit_bench_load_${randomBytes(4).toString('hex')}`;
  await withClient(server.url, server.setting, (c) => c.query(`create database ${name}`));
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-bench-load-'));
  let close: (() => Promise<void>) | undefined;
  try {
    await withClient(databaseUrl, 'bench database', (client) => migrate(client));
    await withClient(server.url, server.setting, (c) =>
      c.query(`alter database ${name} set pgrst.db_schemas = 'public'`),
    );
    const servers = await startBenchServers(config, databaseUrl, dir);
    close = servers.close;
    const { apiUrl } = servers;

    const keys = await localKeys(config.jwtSecret, config.stackKeys);
    const target = {
      kind: 'local' as const,
      databaseUrl,
      databaseSetting: 'bench database',
      supabaseUrl: apiUrl,
      apiUrl,
      serviceRoleKey: keys.serviceRoleKey,
      anonKey: keys.anonKey,
      tokenSigner: keys.signer,
    };
    const seeded = await runSeed({ seed: 'bench-load', scale: 0.05, users: 100, authWriter: 'sql', target });
    const manifest = (await writeManifest(dir, path.join(dir, 'state'), seeded.runId, seeded.world, target)).file;
    const healthUrl = `${apiUrl}${routePath(routes.health)}`;
    const loadBefore = os.loadavg();
    out(
      `bench load: kit engine vs autocannon on node ${process.version}, ${os.cpus().length} CPUs, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
    );
    out(`bench load: database ${name} (seed run ${seeded.runId}), ${seconds} s per measurement, target ${healthUrl}`);

    const run = (
      label: string,
      runner: 'engine' | 'autocannon',
      runnerConfig: EngineRunnerConfig | AutocannonRunnerConfig,
      env: Record<string, string> = {},
    ) => measure(label, runner, runnerConfig, env, seconds, runner === 'engine' ? cpuProfDir : undefined, dir);
    const raw = (tag: string) => path.join(dir, `${tag}-k6-raw.json.gz`);
    const bareVus = (rate: number) => Math.max(100, Math.ceil(rate / 5));

    // Warm-up, not measured: tsx's transform cache, the server's JIT, the database's connections.
    out('warm-up (not measured) …');
    await run('warm-up engine', 'engine', {
      kind: 'bare',
      url: healthUrl,
      rate: 500,
      seconds: 5,
      vus: 100,
      sleepSeconds: 0,
      rawOut: raw('warm'),
    });
    await run('warm-up autocannon', 'autocannon', { url: healthUrl, rate: 500, seconds: 5, connections: 50 });

    // 1. Efficiency against autocannon at the same fixed rates.
    const efficiency: { rate: number; engine: Measurement; anchor: Measurement }[] = [];
    for (const rate of rates) {
      const anchor = await run(`autocannon GET health ${rate}/s`, 'autocannon', {
        url: healthUrl,
        rate,
        seconds,
        connections: Math.max(50, Math.ceil(rate / 20)),
      });
      const engine = await run(`engine GET health ${rate}/s`, 'engine', {
        kind: 'bare',
        url: healthUrl,
        rate,
        seconds,
        vus: bareVus(rate),
        sleepSeconds: 0,
        rawOut: raw(`bare-${rate}`),
      });
      efficiency.push({ rate, engine, anchor });
    }

    // 1b. The same pair against a minimal Node server (in a process of its own), as k6's 0.15 was measured.
    const minimal = await startMinimalServer();
    let reference: { rate: number; engine: Measurement; anchor: Measurement } | undefined;
    try {
      const rate = rates[0]!;
      const anchor = await run(`autocannon GET minimal server ${rate}/s`, 'autocannon', {
        url: minimal.url,
        rate,
        seconds,
        connections: Math.max(50, Math.ceil(rate / 20)),
      });
      const engine = await run(`engine GET minimal server ${rate}/s`, 'engine', {
        kind: 'bare',
        url: minimal.url,
        rate,
        seconds,
        vus: bareVus(rate),
        sleepSeconds: 0,
        rawOut: raw('minimal'),
      });
      reference = { rate, engine, anchor };
    } finally {
      minimal.stop();
    }

    // 2. The journeys' own overhead per request, against a bare GET at the same request rate.
    const smokeRates = profiles.smoke.fixedRates!;
    const mixRates = Object.fromEntries(journeyNames.map((j) => [j, smokeRates[j] * factor])) as Record<
      JourneyName,
      number
    >;
    const summaryDir = path.join(dir, 'journeys-summary');
    const journeys = await run(
      `engine journeys (smoke mix x${factor}, no think)`,
      'engine',
      { kind: 'kit', profile: 'baseline', rawOut: raw('journeys') },
      {
        K6_API_URL: apiUrl,
        K6_ANON_KEY: keys.anonKey,
        K6_POSTBACK_SECRET: config.postbackSecret,
        K6_MANIFEST: manifest,
        K6_BASELINE_RATES: JSON.stringify(mixRates),
        K6_THINK_TIME_SCALE: '0',
        K6_PROFILE_DURATION: `${seconds}s`,
        K6_SUMMARY_DIR: summaryDir,
      },
    );
    const mixRate = Math.max(10, Math.round(journeys.requests / journeys.runSeconds));
    const bare = await run(`engine GET health ${mixRate}/s`, 'engine', {
      kind: 'bare',
      url: healthUrl,
      rate: mixRate,
      seconds,
      vus: bareVus(mixRate),
      sleepSeconds: 0,
      rawOut: raw('bare-mix'),
    });

    // 3. Peak RSS with N VUs busy: each iteration a GET and a 1 s sleep.
    const memoryRate = Math.floor(vus * 0.9);
    const memory = await run(`engine ${vus} VUs (GET + 1 s sleep, ${memoryRate}/s)`, 'engine', {
      kind: 'bare',
      url: healthUrl,
      rate: memoryRate,
      seconds,
      vus,
      sleepSeconds: 1,
      rawOut: raw('vus'),
    });
    const loadAfter = os.loadavg();

    // --- report ---
    const all = [
      ...efficiency.flatMap((e) => [e.anchor, e.engine]),
      reference.anchor,
      reference.engine,
      journeys,
      bare,
      memory,
    ];
    out('');
    out(
      `${'load'.padEnd(44)} ${'requests'.padStart(8)} ${'req/s'.padStart(7)} ${'failed'.padStart(6)} ${'dropped'.padStart(7)} ` +
        `${'load CPU-s'.padStart(10)} ${'req/CPU-s'.padStart(9)} ${'proc CPU-s'.padStart(10)} ${'req/CPU-s'.padStart(9)} ${'RSS MB'.padStart(7)} ${'VUs used'.padStart(8)}`,
    );
    for (const m of all) {
      out(
        `${m.label.padEnd(44)} ${String(m.requests).padStart(8)} ${(m.requests / m.runSeconds).toFixed(0).padStart(7)} ${String(m.failed).padStart(6)} ${String(m.dropped).padStart(7)} ` +
          `${m.loadCpuSeconds.toFixed(2).padStart(10)} ${perCpu(m.requests, m.loadCpuSeconds).padStart(9)} ${m.cpuSeconds.toFixed(2).padStart(10)} ${perCpu(m.requests, m.cpuSeconds).padStart(9)} ` +
          `${m.maxRssMB.toFixed(0).padStart(7)} ${String(m.vusUsed).padStart(8)}`,
      );
    }
    out('');
    out(
      `(load CPU-s: from just before the load to the raw output closed, which the aims judge; proc CPU-s: the whole child process, start-up included)`,
    );
    out(
      `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`,
    );
    out('');
    const verdicts: boolean[] = [];
    for (const e of efficiency) {
      const ratio = e.engine.requests / e.engine.loadCpuSeconds / (e.anchor.requests / e.anchor.loadCpuSeconds);
      const whole = e.engine.requests / e.engine.cpuSeconds / (e.anchor.requests / e.anchor.cpuSeconds);
      const met = ratio >= AIM_EFFICIENCY && e.engine.dropped === 0;
      verdicts.push(met);
      out(
        `efficiency at ${e.rate}/s: engine ${perCpu(e.engine.requests, e.engine.loadCpuSeconds)} ÷ autocannon ${perCpu(e.anchor.requests, e.anchor.loadCpuSeconds)} req/CPU-s = ${ratio.toFixed(2)}x ` +
          `(whole process ${whole.toFixed(2)}x; ${e.engine.dropped} dropped; aim >= ${AIM_EFFICIENCY} with nothing dropped, k6 ~${K6_REFERENCE_RATIO.toFixed(2)}): ${verdict(met)}`,
      );
    }
    {
      const e = reference;
      const ratio = e.engine.requests / e.engine.loadCpuSeconds / (e.anchor.requests / e.anchor.loadCpuSeconds);
      const whole = e.engine.requests / e.engine.cpuSeconds / (e.anchor.requests / e.anchor.cpuSeconds);
      out(
        `reference, minimal Node server at ${e.rate}/s (how k6's ~${K6_REFERENCE_RATIO.toFixed(2)} was measured): ${ratio.toFixed(2)}x (whole process ${whole.toFixed(2)}x); not an aim of its own`,
      );
    }
    const overhead = journeys.loadCpuSeconds / journeys.requests / (bare.loadCpuSeconds / bare.requests);
    const overheadWhole = journeys.cpuSeconds / journeys.requests / (bare.cpuSeconds / bare.requests);
    verdicts.push(overhead <= AIM_OVERHEAD);
    out(
      `journey overhead: CPU per request, journeys ÷ bare GET at ${mixRate}/s = ${overhead.toFixed(2)}x (whole process ${overheadWhole.toFixed(2)}x; aim <= ${AIM_OVERHEAD}): ${verdict(overhead <= AIM_OVERHEAD)}`,
    );
    verdicts.push(memory.maxRssMB < AIM_RSS_MB);
    out(
      `memory: peak RSS ${memory.maxRssMB.toFixed(0)} MB with ${vus} VUs allocated, ${memory.vusUsed} used, at most ${memory.maxBusyVus} busy at once (aim < ${AIM_RSS_MB} MB): ${verdict(memory.maxRssMB < AIM_RSS_MB)}`,
    );
    for (const m of all) {
      const scheduled = m.iterations + m.dropped;
      if (m.failed > 0.001 * Math.max(1, m.requests) || m.dropped > 0.01 * Math.max(1, scheduled) || m.exitCode !== 0) {
        out(
          `note: ${m.label}: ${m.failed} failed requests, ${m.dropped} dropped iterations, exit ${m.exitCode}${m.log ? ` (${m.log})` : ''}; the target or the machine did not keep up, read its figure with care`,
        );
      }
    }
    for (const m of all.filter((m) => m.threads !== undefined && m.tool !== 'autocannon').slice(0, rates.length)) {
      out(`${m.label}: CPU by thread ${threadLine(m)}`);
    }
    for (const m of efficiency.slice(0, 1).map((e) => e.anchor)) out(`${m.label}: CPU by thread ${threadLine(m)}`);
    if (memory.peakMemoryMB) {
      out(
        `${memory.label}: peak memory parts (MB, sampled) ${Object.entries(memory.peakMemoryMB)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    if (cpuProfDir) out(`CPU profiles of the engine runs: ${cpuProfDir}`);
    return 0;
  } finally {
    await close?.().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (values.keep === true) out(`kept database ${name}`);
    else await withClient(server.url, server.setting, (c) => c.query(`drop database if exists ${name} with (force)`));
  }
}

/** A minimal Node HTTP server (200, a small JSON body, keep-alive) in a child process, so it shares no event loop with the kit's server. */
async function startMinimalServer(): Promise<{ url: string; stop(): void }> {
  const code =
    "const s=require('node:http').createServer((q,r)=>{r.writeHead(200,{'content-type':'application/json'});r.end('{\"status\":\"ok\"}')});" +
    "s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port));";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) =>
      reject(new EnvironmentError(`bench load: the minimal server exited ${c} before listening`)),
    );
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => void child.kill() };
}

/** Runs one runner in a child process (node --import tsx, as the engine's CLI runs) and reads its result. */
async function measure(
  label: string,
  runner: 'engine' | 'autocannon',
  runnerConfig: EngineRunnerConfig | AutocannonRunnerConfig,
  env: Record<string, string>,
  seconds: number,
  cpuProfDir: string | undefined,
  cwdTemp: string,
): Promise<Measurement> {
  const script = path.join(repoRoot, 'bench', 'load-runners', `${runner}.ts`);
  const prof = cpuProfDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${cpuProfDir}`,
        `--cpu-prof-name=${label.replace(/[^A-Za-z0-9]+/g, '-')}.cpuprofile`,
      ]
    : [];
  process.stdout.write(`  ${label} … `);
  // The engine runs under the V8 flags `npm run load` starts it with.
  const flags = runner === 'engine' ? processes.engine.node : [];
  const result = await exec(
    process.execPath,
    [...flags, ...prof, '--import', 'tsx', script, JSON.stringify(runnerConfig)],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        TMPDIR: process.env.TMPDIR ?? cwdTemp,
        ...env,
      },
      timeoutMs: (seconds + 120) * 1000,
    },
  );
  const parsed = parseRunnerOutput(result.stdout);
  if (result.code !== 0 || !parsed) {
    throw new EnvironmentError(
      `bench load: ${label}: the ${runner} runner exited ${result.code} without a result: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
  out(`${parsed.requests} requests, ${parsed.loadCpuSeconds.toFixed(2)} CPU-s, ${parsed.maxRssMB.toFixed(0)} MB`);
  return { ...parsed, label };
}

/** "main 3.9+1.0 s, V8 workers 0.8 s, libuv pool 0.1 s": user+system per kind of thread. */
function threadLine(m: RunnerResult): string {
  const parts: string[] = [];
  for (const [name, t] of Object.entries(m.threads ?? {})) {
    if (t.user + t.system < 0.005) continue;
    parts.push(`${name} ${t.user.toFixed(2)} user + ${t.system.toFixed(2)} sys`);
  }
  return parts.join(', ');
}

function perCpu(requests: number, cpuSeconds: number): string {
  return cpuSeconds > 0 ? (requests / cpuSeconds).toFixed(0) : '-';
}

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}
