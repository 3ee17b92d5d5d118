/**
 * `npm run bench -- load [--seconds S] [--factor F] [--keep]`: what the journey code costs the load
 * generator. Against one fresh, seeded database with its own PostgREST and the kit's server, k6 runs
 *   - the journeys: the smoke mix (smoke's relative rates x F, no think time) through the baseline
 *     profile's constant arrival rates, and
 *   - the anchor, in the same run and at the same request rate: a bare GET of /api/v1/health
 *     (scenarios/bench/bare-health.ts),
 * and each k6 process's CPU time (user + system, from the shell's `times`) is read. Prints requests
 * per k6 CPU-second for both and their ratio: the journeys' own overhead per request (aim < 1.5x).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFlags } from '../lib/cli.ts';
import { loadConfig, settingFlags } from '../lib/config.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { findOrBuildK6 } from '../lib/k6-binary.ts';
import { repoRoot } from '../lib/paths.ts';
import { withClient } from '../lib/pg/connect.ts';
import { journeyNames, profiles, type JourneyName } from '../model/profiles.ts';
import { writeManifest } from '../seed/manifest.ts';
import { runSeed } from '../seed/run.ts';
import { databaseTarget, ensureServer } from '../stack/database.ts';
import { migrate } from '../stack/migrate.ts';
import { postgrestUrl, startPostgrest, stopPostgrest } from '../stack/postgrest.ts';
import { buildApp } from '../stack/server/app.ts';
import { localKeys } from '../stack/server/keys.ts';
import { freePort } from '../test/support/ports.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface K6Measurement {
  readonly name: string;
  readonly requests: number;
  readonly failedRate: number;
  readonly dropped: number;
  readonly iterations: number;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

export default async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { seconds: { type: 'string' }, factor: { type: 'string' }, keep: { type: 'boolean' }, ...settingFlags }, 'bench load');
  const seconds = Number(values.seconds ?? 20);
  const factor = Number(values.factor ?? 12);
  if (!Number.isInteger(seconds) || seconds < 5) throw new UsageError(`bench load: --seconds expects whole seconds >= 5, received ${JSON.stringify(values.seconds)}`);
  if (!Number.isInteger(factor) || factor < 1) throw new UsageError(`bench load: --factor expects an integer >= 1, received ${JSON.stringify(values.factor)}`);
  const config = loadConfig({ flags: values });
  const k6 = await findOrBuildK6({ configured: config.k6Bin, cacheDir: config.cacheDir, log: out });
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
    await withClient(server.url, server.setting, (c) => c.query(`alter database ${name} set pgrst.db_schemas = 'public'`));
    const [restPort, apiPort] = [await freePort(), await freePort()];
    await startPostgrest({ dir, databaseUrl, jwtSecret: config.jwtSecret, port: restPort });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const app = await buildApp({ databaseUrl, postgrestUrl: postgrestUrl(restPort), jwtSecret: config.jwtSecret, publicUrl: apiUrl, postbackSecret: config.postbackSecret, logger: false });
    await app.listen({ host: '127.0.0.1', port: apiPort });
    close = async () => {
      await app.close();
      await stopPostgrest(dir);
    };

    const keys = localKeys(config.jwtSecret);
    const target = { kind: 'local' as const, databaseUrl, databaseSetting: 'bench database', supabaseUrl: apiUrl, apiUrl, serviceRoleKey: keys.serviceRoleKey, anonKey: keys.anonKey, jwtSecret: config.jwtSecret };
    const seeded = await runSeed({ seed: 'bench-load', scale: 0.05, users: 100, authWriter: 'sql', target });
    const manifest = (await writeManifest(dir, path.join(dir, 'state'), seeded.runId, seeded.world, target)).file;
    out(`bench load: k6 ${k6.version}, database ${name} (seed run ${seeded.runId}), ${seconds} s per measurement`);

    const smokeRates = profiles.smoke.fixedRates!;
    const rates = Object.fromEntries(journeyNames.map((j) => [j, smokeRates[j] * factor])) as Record<JourneyName, number>;
    const common = { K6_API_URL: apiUrl, K6_ANON_KEY: keys.anonKey, K6_POSTBACK_SECRET: config.postbackSecret, K6_MANIFEST: manifest };
    const journeys = await measure(k6.path, 'journeys (smoke mix, no think time)', 'scenarios/baseline.ts', path.join(dir, 'journeys'), {
      ...common,
      K6_BASELINE_RATES: JSON.stringify(rates),
      K6_THINK_TIME_SCALE: '0',
      K6_PROFILE_DURATION: `${seconds}s`,
    });
    const rate = Math.max(1, Math.round(journeys.requests / journeys.wallSeconds));
    const bare = await measure(k6.path, `bare GET /api/v1/health at ${rate}/s`, 'scenarios/bench/bare-health.ts', path.join(dir, 'bare'), {
      ...common,
      K6_BENCH_RATE: String(rate),
      K6_BENCH_SECONDS: String(seconds),
    });

    out('');
    out(`${'k6 script'.padEnd(44)} ${'requests'.padStart(9)} ${'req/s'.padStart(7)} ${'k6 CPU s'.padStart(9)} ${'req/CPU-s'.padStart(10)} ${'failed'.padStart(7)} ${'dropped'.padStart(8)}`);
    for (const m of [bare, journeys]) {
      out(
        `${m.name.padEnd(44)} ${String(m.requests).padStart(9)} ${(m.requests / m.wallSeconds).toFixed(1).padStart(7)} ${m.cpuSeconds.toFixed(2).padStart(9)} ` +
          `${(m.requests / m.cpuSeconds).toFixed(0).padStart(10)} ${`${(m.failedRate * 100).toFixed(2)}%`.padStart(7)} ${String(m.dropped).padStart(8)}`,
      );
    }
    const overhead = bare.requests / bare.cpuSeconds / (journeys.requests / journeys.cpuSeconds);
    out('');
    out(`journey overhead: k6 CPU per request, journeys / bare GET = ${overhead.toFixed(2)}x  (aim < 1.5x)`);
    for (const m of [bare, journeys]) {
      if (m.failedRate > 0.001 || m.dropped > 0.01 * (m.iterations + m.dropped)) {
        out(`note: ${m.name} failed requests or dropped iterations beyond the run's own criteria; its figure is suspect`);
      }
    }
    return 0;
  } finally {
    await close?.().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (values.keep === true) out(`kept database ${name}`);
    else await withClient(server.url, server.setting, (c) => c.query(`drop database if exists ${name} with (force)`));
  }
}

/** Runs one k6 script under bash, whose `times` builtin then prints the CPU time of its children (k6). */
async function measure(k6: string, name: string, script: string, summaryDir: string, env: Record<string, string>): Promise<K6Measurement> {
  mkdirSync(summaryDir, { recursive: true });
  const started = performance.now();
  const result = await exec('bash', ['-c', '"$@" >/dev/null; code=$?; times; exit $code', 'bench', k6, 'run', '--quiet', '--no-thresholds', script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', K6_SUMMARY_DIR: summaryDir, ...env },
    timeoutMs: 600_000,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.code !== 0) throw new EnvironmentError(`bench load: k6 run ${script} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  // `times` prints the shell's own user/system time, then its children's: "0m1.234s 0m0.120s".
  const children = result.stdout.trim().split('\n').at(-1) ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  const summary = JSON.parse(readFileSync(path.join(summaryDir, 'k6-summary.json'), 'utf8')) as {
    metrics: Record<string, { values: Record<string, number> }>;
    state: { testRunDurationMs: number };
  };
  return {
    name,
    requests: summary.metrics.http_reqs?.values.count ?? 0,
    failedRate: summary.metrics.http_req_failed?.values.rate ?? 0,
    dropped: summary.metrics.dropped_iterations?.values.count ?? 0,
    iterations: summary.metrics.iterations?.values.count ?? 0,
    cpuSeconds,
    wallSeconds: Math.min(wallSeconds, summary.state.testRunDurationMs / 1000),
  };
}
