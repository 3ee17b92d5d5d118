/**
 * `npm run bench -- seed` (flags: `benchParts.seed` in lib/commands.ts): what `npm run seed`
 * costs, each figure beside its anchor from the same run on the same cluster.
 *
 * 1. The seed: `seedCommand` (seed/command.ts), the function `npm run seed` runs (rows, truth, Auth
 *    accounts in bulk, manifest, token sessions), into a fresh database with the real schema (every
 *    key, FK, index and trigger of the migrations). Whole-run rows/s over the public and Auth rows;
 *    peak RSS of this process (VmHWM) right after it.
 * 2. Anchor for the whole run: `pgbench -i -I dtgp` for the same number of rows.
 * 3. Anchor for the COPY phase, the floor of the same work: every table the seed wrote is dumped by
 *    the server with binary `COPY … TO` a file and reloaded by the server with binary `COPY … FROM`
 *    that file into a second fresh database with the same schema (indexes, FKs, triggers present),
 *    one COPY per table in FK order, with the session settings the seed uses (synchronous_commit off;
 *    FK triggers skipped in replica mode when superuser). No client, no encoding, one statement per
 *    table: the ceiling the seed can approach while writing into a schema it may not alter.
 * 4. Accounts per second on each path: bulk (from the seed above) and the Auth admin API, measured
 *    with a small run (`--admin-users`, default 100) against the kit's Auth face served from this
 *    process on the same cluster, which hashes each password with bcrypt at cost 10 as GoTrue does.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseCommand } from '../lib/cli.ts';
import { benchParts } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { withClient } from '../lib/pg/connect.ts';
import { pgbenchConnection } from '../lib/pg/pgbench.ts';
import { freePort } from '../lib/ports.ts';
import { peakRssMb, progressTo } from '../lib/progress.ts';
import { seedCommand } from '../seed/command.ts';
import { runSeed } from '../seed/run.ts';
import { authUsersTable, publicOrder, publicTables, type TableSpec, truthTables } from '../seed/tables.ts';
import { resolveTarget } from '../seed/target.ts';
import { databaseTarget } from '../stack/database.ts';
import { migrate } from '../stack/migrate.ts';
import { findPostgres } from '../stack/postgres-binaries.ts';
import { buildApp } from '../stack/server/app.ts';

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

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

type Spec = TableSpec<Record<string, unknown>>;

/** The tables the seed writes, parents first (the order the floor reloads them in). */
const FLOOR_TABLES: readonly Spec[] = [
  truthTables.products,
  publicTables.products,
  truthTables.users,
  authUsersTable,
  ...publicOrder.map((k) => publicTables[k]),
  truthTables.clicks,
  truthTables.conversions,
];

const quote = (name: string) =>
  name
    .split('.')
    .map((p) => `"${p}"`)
    .join('.');
const columns = (t: Spec) => t.columns.map((c) => `"${c.name}"`).join(', ');

/** Dumps the seeded tables with binary COPY TO (server-side files), reloads them into `floorUrl`; ms per table. */
async function floorOfCopy(seedUrl: string, floorUrl: string, dir: string): Promise<Map<string, number>> {
  const ms = new Map<string, number>();
  const files = new Map<string, string>();
  await withClient(seedUrl, 'bench database', async (c) => {
    for (const t of FLOOR_TABLES) {
      const file = path.join(dir, `${t.name}.bin`);
      files.set(t.name, file);
      await c.query(`COPY (select ${columns(t)} from ${quote(t.name)}) TO '${file}' (FORMAT binary)`);
    }
  });
  await withClient(floorUrl, 'floor database', async (c) => {
    // The seed's session settings (seed/run.ts).
    await c.query('set synchronous_commit = off');
    const superuser =
      (await c.query<{ s: boolean }>('select rolsuper as s from pg_roles where rolname = current_user')).rows[0]?.s ===
      true;
    if (superuser) await c.query('set session_replication_role = replica');
    await c.query('checkpoint');
    for (const t of FLOOR_TABLES) {
      const started = performance.now();
      await c.query(`COPY ${quote(t.name)} (${columns(t)}) FROM '${files.get(t.name)}' (FORMAT binary)`);
      ms.set(t.name, performance.now() - started);
    }
  });
  return ms;
}

/** Accounts per second through the Auth admin API: a small run against the Auth face served from here. */
async function adminApiRate(
  url: string,
  users: number,
  config: ReturnType<typeof loadConfig>,
): Promise<{ accounts: number; ms: number; retries: number }> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  // The Auth face needs no PostgREST; the gateway is pointed at a closed port.
  const app = await buildApp({
    databaseUrl: url,
    authenticatorPassword: config.authenticatorPassword,
    postgrestUrl: 'http://127.0.0.1:9',
    jwtSecret: config.jwtSecret,
    publicUrl,
    postbackSecret: config.postbackSecret,
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port });
  try {
    const target = {
      ...(await resolveTarget(config, 'local')),
      databaseUrl: url,
      databaseSetting: 'bench database',
      supabaseUrl: publicUrl,
      apiUrl: publicUrl,
    };
    const r = await runSeed({
      seed: `bench-admin-${users}`,
      scale: 0.1,
      users,
      authWriter: 'admin-api',
      target,
      batchUsers: users,
    });
    return { accounts: r.rows.get('auth.users') ?? 0, ms: r.authMs, retries: r.authRetries };
  } finally {
    await app.close();
  }
}

export default async function benchSeed(argv: string[]): Promise<number> {
  const { values } = parseCommand(benchParts.seed, argv);
  const scale = Number(values.scale);
  if (!(scale > 0))
    throw new UsageError(`--scale: expected a positive number, received ${JSON.stringify(values.scale)}`);
  const adminUsers = Number(values['admin-users']);
  if (!Number.isInteger(adminUsers) || adminUsers < 0)
    throw new UsageError(`--admin-users: expected a whole number, received ${JSON.stringify(values['admin-users'])}`);
  const config = loadConfig();
  const server = databaseTarget(config);
  const name = `kit_bench_seed_${randomBytes(4).toString('hex')}`;
  const floorName = `${name}_floor`;
  const url = withDatabase(server.url, name);
  const floorUrl = withDatabase(server.url, floorName);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-bench-seed-'));
  // The server writes the floor's dump files here (COPY … TO a file runs as the server's OS user).
  chmodSync(tmp, 0o777);
  await withClient(server.url, server.setting, async (c) => {
    await c.query(`create database ${name}`);
    await c.query(`create database ${floorName}`);
  });
  try {
    await withClient(url, 'bench database', (c) => migrate(c, () => undefined));
    await withClient(floorUrl, 'floor database', (c) => migrate(c, () => undefined));
    const target = { ...(await resolveTarget(config, 'local')), databaseUrl: url, databaseSetting: 'bench database' };
    await withClient(url, 'bench database', (c) => c.query('checkpoint'));

    // --- 1. the seed, as `npm run seed` runs it ---
    // Backend CPU seconds of every seed connection (one per writer): at its start, then the difference.
    const seedCpuAtStart = new Map<number, number>();
    let seedCpu = 0;
    const { result, wallMs } = await seedCommand({
      seed: `bench-${scale}`,
      scale,
      target,
      batchUsers: values['batch-users'] === undefined ? undefined : Number(values['batch-users']),
      writers: values.writers === undefined ? undefined : Number(values.writers),
      log: out,
      progress: progressTo(process.stdout),
      repoRoot: tmp,
      stateDir: path.join(tmp, 'state'),
      signIn: 0,
      onBackend: (pid, phase) => {
        const now = cpuSeconds(pid);
        if (phase === 'start') seedCpuAtStart.set(pid, now ?? 0);
        else seedCpu += (now ?? seedCpuAtStart.get(pid) ?? 0) - (seedCpuAtStart.get(pid) ?? 0);
      },
    });
    const rss = peakRssMb();
    let seedRows = 0;
    for (const [table, n] of result.rows) if (!table.startsWith('kit_truth.')) seedRows += n;
    const seedSeconds = wallMs / 1000;
    // The COPY phase as a user waits for it: the products, then the batches' wall time over every
    // writer (generation of the first batch included, so the figure is if anything unkind to the seed).
    const copyMs =
      (result.copyMs.get('public.products') ?? 0) + (result.copyMs.get('kit_truth.products') ?? 0) + result.loadMs;
    const accounts = result.rows.get('auth.users') ?? 0;

    // --- 3. the floor of the COPY phase ---
    await withClient(url, 'bench database', (c) => c.query('checkpoint'));
    out('floor: dumping the seeded tables (binary COPY TO) and reloading them into a fresh copy of the schema …');
    const floor = await floorOfCopy(url, floorUrl, tmp);
    const floorMs = [...floor.values()].reduce((a, b) => a + b, 0);

    // --- 2. pgbench's client-side generation + primary keys, same row count ---
    const pgbenchScale = Math.max(1, Math.round(seedRows / 100_011));
    const pgbenchRows = pgbenchScale * 100_011;
    const binaries = await findPostgres(config.pg.bindir);
    const pgbench = pgbenchConnection(url, name);
    await withClient(url, 'bench database', (c) => c.query('checkpoint'));
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    let benchCpu = 0;
    let watching = true;
    const pids = new Map<number, number>();
    const watch = (async () => {
      while (watching) {
        const r = await watcher.query<{ pid: number }>(
          `select pid from pg_stat_activity where application_name = 'pgbench' and datname = current_database()`,
        );
        for (const { pid } of r.rows) {
          const s = cpuSeconds(pid);
          if (s !== undefined) pids.set(pid, s);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    out(`pgbench -i -I dtgp -s ${pgbenchScale} …`);
    const started = performance.now();
    const run = await exec(binaries.bin('pgbench'), ['-i', '-I', 'dtgp', '-s', String(pgbenchScale), ...pgbench.args], {
      env: pgbench.env,
    });
    const pgbenchSeconds = (performance.now() - started) / 1000;
    watching = false;
    await watch;
    await watcher.end();
    if (run.code !== 0)
      throw new EnvironmentError(`pgbench -i failed (exit ${run.code}): ${run.stderr.trim().split('\n').pop()}`);
    for (const s of pids.values()) benchCpu += s;

    // --- 4. the admin API path ---
    if (adminUsers > 0) out(`Auth admin API: ${adminUsers} accounts …`);
    const admin = adminUsers > 0 ? await adminApiRate(url, adminUsers, config) : undefined;

    const seedRate = seedRows / seedSeconds;
    const benchRate = pgbenchRows / pgbenchSeconds;
    const seedCpuPerM = (seedCpu / seedRows) * 1e6;
    const benchCpuPerM = (benchCpu / pgbenchRows) * 1e6;
    out('');
    out(
      `seed     ${seedRows} rows (public + auth.users) in ${seedSeconds.toFixed(1)} s = ${Math.round(seedRate)} rows/s (whole \`npm run seed\` path: run, accounts, FK checks, manifest); backend CPU ${seedCpuPerM.toFixed(2)} s per million rows`,
    );
    out(
      `pgbench  ${pgbenchRows} rows (-i -I dtgp -s ${pgbenchScale}) in ${pgbenchSeconds.toFixed(1)} s = ${Math.round(benchRate)} rows/s; backend CPU ${benchCpuPerM.toFixed(2)} s per million rows`,
    );
    out(`ratio    whole run ÷ pgbench -i: ${(seedRate / benchRate).toFixed(2)} (aim ≥ 0.30)`);
    out(
      `COPY     seed's COPY phase ${(copyMs / 1000).toFixed(1)} s wall over ${result.writers} connection${result.writers === 1 ? '' : 's'}; floor (server-side binary COPY FROM of the same rows into the same schema) ${(floorMs / 1000).toFixed(1)} s`,
    );
    out(`ratio    COPY phase ÷ floor: ${(floorMs / copyMs).toFixed(2)} (aim ≥ 0.80)`);
    out(
      `accounts bulk COPY: ${accounts} in ${(result.authMs / 1000).toFixed(2)} s = ${Math.round(accounts / (result.authMs / 1000))}/s (one bcrypt hash per run included)`,
    );
    if (admin)
      out(
        `accounts admin API: ${admin.accounts} in ${(admin.ms / 1000).toFixed(1)} s = ${(admin.accounts / (admin.ms / 1000)).toFixed(1)}/s (bcrypt cost 10 per account on the server, 16 in flight${admin.retries ? `, ${admin.retries} retried` : ''})`,
      );
    out(`peak RSS ${rss.toFixed(0)} MB (aim < 300 MB)`);
    out(
      `seed time: generate+encode ${(result.generateMs / 1000).toFixed(1)} s (overlapped with COPY), COPY ${(copyMs / 1000).toFixed(1)} s, FK verification ${((result.copyMs.get('fk-verification') ?? 0) / 1000).toFixed(1)} s, accounts ${(result.authMs / 1000).toFixed(1)} s, manifest and the rest ${((wallMs - result.totalMs) / 1000).toFixed(1)} s`,
    );
    out('');
    out(
      `${'per table (seed: COPY seconds summed over its writers)'.padEnd(32)} ${'rows'.padStart(9)} ${'seed COPY s'.padStart(12)} ${'floor s'.padStart(8)} ${'ratio'.padStart(6)}`,
    );
    for (const t of FLOOR_TABLES) {
      const n = result.rows.get(t.name) ?? 0;
      const s = result.copyMs.get(t.name) ?? 0;
      const f = floor.get(t.name) ?? 0;
      out(
        `  ${t.name.padEnd(30)} ${String(n).padStart(9)} ${(s / 1000).toFixed(2).padStart(12)} ${(f / 1000).toFixed(2).padStart(8)} ${(s > 0 ? f / s : 0).toFixed(2).padStart(6)}`,
      );
    }
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (!values.keep) {
      await withClient(server.url, server.setting, async (c) => {
        await c.query(`drop database if exists ${name} with (force)`);
        await c.query(`drop database if exists ${floorName} with (force)`);
      });
    }
  }
}
