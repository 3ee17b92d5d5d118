/**
 * `npm run bench -- api` (flags: `benchParts.api` in lib/commands.ts): the local API's throughput, each
 * figure beside its anchors from the same run, against one fresh database on the kit's cluster:
 *   - anchor: `pgbench -S` (select-only, pgbench's own small tables in the same database);
 *   - PostgREST directly and through the kit's gateway, reading one product by id (authenticated);
 *   - the App API's product view (GET /products/{id}, signed in: reads and records a view; and anon)
 *     and swipe (POST /swipes/);
 * all at the same concurrency, HTTP load from autocannon in its own process. The targets run in
 * interleaved rounds (anchor included) and each figure is the median round, so a change in machine
 * load during the run shifts anchor and targets alike. Prints requests/s, p50/p99 and the ratios
 * (aims: gateway >= 0.85x direct PostgREST; product view >= 0.3x pgbench -S).
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseCommand } from '../lib/cli.ts';
import { benchParts } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { EnvironmentError, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { withClient } from '../lib/pg/connect.ts';
import { pgbenchConnection } from '../lib/pg/pgbench.ts';
import { API_BASE, routes } from '../model/target.ts';
import { databaseTarget, ensureServer } from '../stack/database.ts';
import { migrate } from '../stack/migrate.ts';
import { findPostgres, type PostgresBinaries } from '../stack/postgres-binaries.ts';
import { localKeys } from '../stack/server/keys.ts';
import { startBenchServers } from './stack-support/bench-servers.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface Measurement {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Requests that failed or answered other than 2xx. */
  readonly failed: number;
  readonly total: number;
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The anchor: pgbench -S at the same concurrency; latency percentiles from its per-transaction log. */
async function pgbenchSelectOnly(
  pg: PostgresBinaries,
  url: string,
  connections: number,
  seconds: number,
): Promise<Measurement> {
  const connection = pgbenchConnection(url);
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'kit-bench-pgbench-'));
  try {
    const run = await exec(
      pg.bin('pgbench'),
      [
        '-S',
        '-n',
        '-c',
        String(connections),
        '-j',
        String(Math.min(connections, 2)),
        '-T',
        String(seconds),
        '-l',
        '--log-prefix',
        path.join(logDir, 'tx'),
        ...connection.args,
      ],
      {
        env: connection.env,
        cwd: logDir,
        timeoutMs: (seconds + 60) * 1000,
      },
    );
    if (run.code !== 0)
      throw new EnvironmentError(`pgbench -S failed (exit ${run.code}): ${run.stderr.trim().split('\n').pop()}`);
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout);
    const done = /number of transactions actually processed: (\d+)/.exec(run.stdout);
    const failed = /number of failed transactions: (\d+)/.exec(run.stdout);
    // Log lines: client_id transaction_no latency_us script_no epoch_s epoch_us
    const latencies: number[] = [];
    for (const file of readdirSync(logDir)) {
      for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
        const micros = Number(line.split(' ')[2]);
        if (Number.isFinite(micros) && line !== '') latencies.push(micros / 1000);
      }
    }
    const sorted = Float64Array.from(latencies).sort();
    return {
      name: 'pgbench -S (anchor)',
      rps: Number(tps?.[1] ?? Number.NaN),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      failed: Number(failed?.[1] ?? 0),
      total: Number(done?.[1] ?? latencies.length),
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

interface HttpTarget {
  readonly name: string;
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

const autocannonScript = path.join(
  path.dirname(createRequire(import.meta.url).resolve('autocannon/package.json')),
  'autocannon.js',
);

/** autocannon in its own process (the server under test lives in this one). */
async function autocannon(target: HttpTarget, connections: number, seconds: number): Promise<Measurement> {
  const args = [autocannonScript, '-c', String(connections), '-d', String(seconds), '-j', '-m', target.method ?? 'GET'];
  for (const [key, value] of Object.entries(target.headers)) args.push('-H', `${key}=${value}`);
  if (target.body !== undefined) args.push('-b', target.body);
  args.push(target.url);
  // process.execPath: the Node that runs the kit (the npm `node` package), not the system one.
  const run = await exec(process.execPath, args, { timeoutMs: (seconds + 60) * 1000 });
  if (run.code !== 0)
    throw new EnvironmentError(
      `autocannon failed on ${target.name} (exit ${run.code}): ${run.stderr.trim().split('\n').pop()}`,
    );
  const result = JSON.parse(run.stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    name: target.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

/** One request first, so a broken target fails loudly instead of benchmarking error pages. */
async function probe(target: HttpTarget): Promise<void> {
  const response = await fetch(target.url, {
    method: target.method ?? 'GET',
    headers: target.headers,
    body: target.body,
  });
  const text = await response.text();
  if (response.status >= 300) {
    throw new EnvironmentError(
      `${target.name}: ${target.method ?? 'GET'} ${target.url} answered ${response.status}: ${text.slice(0, 200)}`,
    );
  }
}

async function seedBenchData(url: string): Promise<{ productId: string; userId: string; email: string }> {
  return withClient(url, 'bench database', async (client) => {
    await migrate(client);
    await client.query(`
      insert into public.products (title, description, price_min, price_max, currency, brand, category_id, rating, review_count,
                                   affiliate_url, affiliate_network, commission_rate)
      select 'Bench product ' || i, 'A product for the API benchmark', 10 + (i % 200), 10 + (i % 200), 'GBP', 'Brand ' || (i % 40),
             (select id from public.categories order by sort_order offset (i % 10) limit 1), 3 + (i % 20) / 10.0, i % 5000,
             'https://www.amazon.co.uk/dp/B0' || lpad(i::text, 8, '0') || '/?tag=aclue-21', 'amazon', 0.05
      from generate_series(1, 2000) i`);
    await client.query('analyze');
    const userId = randomUUID();
    const email = `bench-${userId.slice(0, 8)}@example.test`;
    await client.query(
      `insert into auth.users (id, email, aud, role, email_confirmed_at, created_at, updated_at, raw_app_meta_data, raw_user_meta_data)
       values ($1, $2, 'authenticated', 'authenticated', now(), now(), now(), '{"provider":"email"}', '{}')`,
      [userId, email],
    );
    const product = await client.query<{ id: string }>(
      `select id from public.products order by title offset 1000 limit 1`,
    );
    return { productId: product.rows[0]!.id, userId, email };
  });
}

/** The round with the median requests/s (its latencies go with it). */
function medianRound(rounds: Measurement[]): Measurement {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function row(m: Measurement): string {
  const failedShare = m.total === 0 ? 0 : (m.failed / m.total) * 100;
  return `${m.name.padEnd(40)} ${m.rps.toFixed(0).padStart(8)} ${m.p50.toFixed(2).padStart(8)} ${m.p99.toFixed(2).padStart(8)} ${failedShare.toFixed(2).padStart(7)}%`;
}

export default async function main(argv: string[]): Promise<number> {
  const { values } = parseCommand(benchParts.api, argv);
  const seconds = Number(values.duration);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new UsageError(
      `bench api: --duration expects whole seconds >= 1, received ${JSON.stringify(values.duration)}`,
    );
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(`bench api: --rounds expects an integer >= 1, received ${JSON.stringify(values.rounds)}`);
  if (!Number.isInteger(connections) || connections < 1)
    throw new UsageError(
      `bench api: --connections expects an integer >= 1, received ${JSON.stringify(values.connections)}`,
    );
  const config = loadConfig({ flags: values });
  const pg = await findPostgres(config.pg.bindir);
  await ensureServer(config, () => undefined);
  const server = databaseTarget(config);

  const name = `kit_bench_api_${randomBytes(4).toString('hex')}`;
  await withClient(server.url, server.setting, (c) => c.query(`create database ${name}`));
  const url = databaseUrl(server.url, name);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-bench-api-'));
  let close: (() => Promise<void>) | undefined;
  try {
    out(`bench api: database ${name}, ${connections} connections, ${rounds} rounds of ${seconds} s per target`);
    const data = await seedBenchData(url);
    await withClient(server.url, server.setting, (c) =>
      c.query(`alter database ${name} set pgrst.db_schemas = 'public'`),
    );
    const init = await exec(
      pg.bin('pgbench'),
      ['-i', '-q', '-s', '1', '-h', new URL(url).hostname, '-p', new URL(url).port || '5432', '-U', 'postgres', name],
      {
        env: { ...process.env, PGPASSWORD: decodeURIComponent(new URL(url).password) },
      },
    );
    if (init.code !== 0) throw new EnvironmentError(`pgbench -i failed: ${init.stderr.trim().split('\n').pop()}`);

    const servers = await startBenchServers(config, url, dir);
    close = servers.close;
    const { apiUrl } = servers;

    const keys = await localKeys(config.jwtSecret, config.stackKeys);
    const now = Math.floor(Date.now() / 1000);
    const token = await keys.signer.sign({
      sub: data.userId,
      role: 'authenticated',
      aud: 'authenticated',
      email: data.email,
      iat: now,
      exp: now + 3600,
      is_anonymous: false,
    });
    const user = { authorization: `Bearer ${token}` };
    const byId = `/products?select=*&id=eq.${data.productId}`;
    const targets: HttpTarget[] = [
      { name: 'PostgREST direct, product by id', url: `${servers.restUrl}${byId}`, headers: user },
      {
        name: 'PostgREST via gateway, product by id',
        url: `${apiUrl}/rest/v1${byId}`,
        headers: { apikey: keys.anonKey, ...user },
      },
      {
        name: 'App API product view (signed in)',
        url: `${apiUrl}${API_BASE}/products/${data.productId}`,
        headers: user,
      },
      { name: 'App API product view (anon)', url: `${apiUrl}${API_BASE}/products/${data.productId}`, headers: {} },
      {
        name: 'App API swipe',
        url: `${apiUrl}${API_BASE}${routes.swipe.path}`,
        method: 'POST',
        headers: { ...user, 'content-type': 'application/json' },
        body: JSON.stringify({ product_id: data.productId, direction: 'like' }),
      },
    ];
    for (const target of targets) await probe(target);

    for (const target of targets) await autocannon(target, connections, 2); // warm-up: JIT, pools, caches
    const byTarget: Measurement[][] = [[], ...targets.map(() => [])];
    for (let round = 0; round < rounds; round += 1) {
      byTarget[0]!.push(await pgbenchSelectOnly(pg, url, connections, seconds));
      for (const [i, target] of targets.entries())
        byTarget[i + 1]!.push(await autocannon(target, connections, seconds));
    }
    const results = byTarget.map(medianRound);

    out('');
    out(
      `${'target'.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'failed'.padStart(8)}`,
    );
    for (const m of results) out(row(m));
    const [anchor, direct, gateway, viewSignedIn, viewAnon, swipe] = results as [
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
    ];
    const ratio = (a: Measurement, b: Measurement) => a.rps / b.rps;
    out('');
    out(`gateway / direct PostgREST            ${ratio(gateway, direct).toFixed(2)}x  (aim >= 0.85x)`);
    out(`product view (signed in) / pgbench -S ${ratio(viewSignedIn, anchor).toFixed(2)}x  (aim >= 0.30x)`);
    out(`product view (anon) / pgbench -S      ${ratio(viewAnon, anchor).toFixed(2)}x`);
    out(`swipe / pgbench -S                    ${ratio(swipe, anchor).toFixed(2)}x`);
    out(`direct PostgREST / pgbench -S         ${ratio(direct, anchor).toFixed(2)}x`);
    const failures = results.filter((m) => m.failed > 0);
    if (failures.length > 0)
      out(`note: failed requests in ${failures.map((m) => m.name).join(', ')} — figures for those targets are suspect`);
    return 0;
  } finally {
    await close?.().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (values.keep !== true) {
      await withClient(server.url, server.setting, (c) => c.query(`drop database if exists ${name} with (force)`));
    } else {
      out(`kept database ${name}`);
    }
  }
}
