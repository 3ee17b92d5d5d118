/**
 * `npm run bench -- seed [--scale N] [--batch-users N] [--keep]`: seeds a fresh database on the kit's cluster (real
 * schema: keys, FKs, indexes present) at a scale that writes ≥1,000,000 rows, then runs
 * `pgbench -i -I dtgp` for the same number of rows against the same cluster, and prints rows/s for
 * both, their ratio, the seed's peak RSS and PostgreSQL backend CPU seconds per million rows (from
 * /proc/<pid>/stat of each loading backend). Auth accounts go in with COPY (--auth-writer sql):
 * the Admin API path is bounded by password hashing, not by the database, and is not what this measures.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../lib/config.ts';
import { parseFlags } from '../lib/cli.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { withClient } from '../lib/pg/connect.ts';
import { databaseTarget } from '../stack/database.ts';
import { migrate } from '../stack/migrate.ts';
import { findPostgres } from '../stack/postgres-binaries.ts';
import { runSeed } from '../seed/run.ts';
import { resolveTarget } from '../seed/target.ts';

const CLOCK_TICKS = 100; // Linux USER_HZ (getconf CLK_TCK) on every mainstream kernel build
const out = (line: string) => process.stdout.write(`${line}\n`);

/** utime + stime of a process, in seconds, or undefined once it has exited. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function benchSeed(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { scale: { type: 'string' }, 'batch-users': { type: 'string' }, keep: { type: 'boolean' } }, 'bench seed');
  const scale = Number(values.scale ?? 10);
  if (!(scale > 0)) throw new UsageError(`--scale: expected a positive number, received ${JSON.stringify(values.scale)}`);
  const config = loadConfig();
  const server = databaseTarget(config);
  const name = `kit_bench_seed_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(server.url, name);
  await withClient(server.url, server.setting, (c) => c.query(`create database ${name}`));
  try {
    await withClient(url, 'bench database', (c) => migrate(c, () => undefined));
    const target = { ...resolveTarget(config, 'local'), databaseUrl: url, databaseSetting: 'bench database' };
    await withClient(url, 'bench database', (c) => c.query('checkpoint'));

    // --- the seed ---
    let seedCpu0 = 0;
    let seedCpu1 = 0;
    const result = await runSeed({
      seed: `bench-${scale}`,
      scale,
      authWriter: 'sql',
      target,
      batchUsers: values['batch-users'] === undefined ? undefined : Number(values['batch-users']),
      log: (line) => (line.includes('/') ? undefined : out(line)),
      onBackend: (pid, phase) => {
        if (phase === 'start') seedCpu0 = cpuSeconds(pid) ?? 0;
        else seedCpu1 = cpuSeconds(pid) ?? seedCpu0;
      },
    });
    const rss = peakRssMb();
    let seedRows = 0;
    let truthRows = 0;
    for (const [table, n] of result.rows) {
      if (table.startsWith('kit_truth.')) truthRows += n;
      else seedRows += n;
    }
    const seedSeconds = result.totalMs / 1000;

    // --- the anchor: pgbench's client-side generation + primary keys, same row count ---
    const pgbenchScale = Math.max(1, Math.round(seedRows / 100_011));
    const pgbenchRows = pgbenchScale * 100_011;
    const binaries = await findPostgres(config.pg.bindir);
    const u = new URL(url);
    await withClient(url, 'bench database', (c) => c.query('checkpoint'));
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    let benchCpu = 0;
    let watching = true;
    const pids = new Map<number, number>();
    const watch = (async () => {
      while (watching) {
        const r = await watcher.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'pgbench' and datname = current_database()`);
        for (const { pid } of r.rows) {
          const s = cpuSeconds(pid);
          if (s !== undefined) pids.set(pid, s);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const started = performance.now();
    const run = await exec(binaries.bin('pgbench'), ['-i', '-I', 'dtgp', '-s', String(pgbenchScale), '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), name], {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGAPPNAME: 'pgbench' },
    });
    const pgbenchSeconds = (performance.now() - started) / 1000;
    watching = false;
    await watch;
    await watcher.end();
    if (run.code !== 0) throw new EnvironmentError(`pgbench -i failed (exit ${run.code}): ${run.stderr.trim().split('\n').pop()}`);
    for (const s of pids.values()) benchCpu += s;

    const seedRate = seedRows / seedSeconds;
    const benchRate = pgbenchRows / pgbenchSeconds;
    const seedCpuPerM = ((seedCpu1 - seedCpu0) / seedRows) * 1e6;
    const benchCpuPerM = (benchCpu / pgbenchRows) * 1e6;
    out('');
    out(`seed     ${seedRows} rows (+${truthRows} truth rows) in ${seedSeconds.toFixed(1)} s = ${Math.round(seedRate)} rows/s; backend CPU ${(seedCpu1 - seedCpu0).toFixed(1)} s = ${seedCpuPerM.toFixed(2)} s per million rows`);
    out(`pgbench  ${pgbenchRows} rows (-i -I dtgp -s ${pgbenchScale}) in ${pgbenchSeconds.toFixed(1)} s = ${Math.round(benchRate)} rows/s; backend CPU ${benchCpu.toFixed(1)} s = ${benchCpuPerM.toFixed(2)} s per million rows`);
    out(`ratio    ${(seedRate / benchRate).toFixed(2)} (aim ≥ 0.30)`);
    out(`peak RSS ${rss.toFixed(0)} MB (aim < 300 MB)`);
    const copyTotal = [...result.copyMs].filter(([t]) => t !== 'fk-verification').reduce((a, [, ms]) => a + ms, 0);
    out(`seed time: generate+encode ${(result.generateMs / 1000).toFixed(1)} s, COPY ${(copyTotal / 1000).toFixed(1)} s, FK verification ${((result.copyMs.get('fk-verification') ?? 0) / 1000).toFixed(1)} s, Auth ${(result.authMs / 1000).toFixed(1)} s`);
    out('');
    out('per table (COPY time only):');
    for (const [table, n] of result.rows) {
      const ms = result.copyMs.get(table);
      if (ms) out(`  ${table.padEnd(32)} ${String(n).padStart(9)} rows ${(ms / 1000).toFixed(1).padStart(6)} s ${String(Math.round(n / (ms / 1000))).padStart(8)} rows/s`);
    }
    return 0;
  } finally {
    if (!values.keep) await withClient(server.url, server.setting, (c) => c.query(`drop database if exists ${name} with (force)`));
  }
}
