/**
 * `npm run seed`: seeds the target with the planted behaviour model (docs/seed.md) and writes the k6
 * manifest. Flags and exit codes: `commands.seed` in lib/commands.ts (`--help`).
 */
import { closeSync, existsSync, openSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { type KitConfig, loadConfig } from '../lib/config.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { withClient } from '../lib/pg/connect.ts';
import { peakRssMb, progressTo } from '../lib/progress.ts';
import { readTargetIdentity, type TargetIdentity } from '../lib/target-identity.ts';
import { behaviour } from '../model/behaviour.ts';
import { AdminApiAuth, SqlAuth } from '../seed/auth.ts';
import { cleanRun, findRun, listRuns } from '../seed/clean.ts';
import { seedCommand } from '../seed/command.ts';
import { cleanViaDataApi, DataApi, listFileRuns, runSeedViaDataApi } from '../seed/data-api.ts';
import { writeManifest } from '../seed/manifest.ts';
import { type SeedResult, writeSeedResult } from '../seed/result-file.ts';
import { type AuthWriterKind, planSeed } from '../seed/run.ts';
import { signInTokens } from '../seed/sign-in.ts';
import { resolveTarget, type SeedTarget, type TargetKind } from '../seed/target.ts';

const USAGE = usage(commands.seed);
const out = (line: string) => process.stdout.write(`${line}\n`);

/** The first bytes of a manifest (it may be tens of MB): enough to read its run id. */
function manifestHead(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    return buf.subarray(0, readSync(fd, buf, 0, 256, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Staging without DATABASE_URL: rows through the Data API, truth as files (seed/data-api.ts).
 */
async function dataApiFallback(
  values: { list?: boolean; clean?: string },
  reportsDir: string,
  sizes: { seed: string; scale: number; users: number | undefined; batchUsers: number | undefined },
  target: SeedTarget,
  config: KitConfig,
  signInCount: number,
  record: (result: SeedResult) => void,
): Promise<number> {
  out(
    'no DATABASE_URL for this target: using the Data API (slower; the truth is kept in files under reports/seed/<run>/truth)',
  );
  if (values.list) {
    const runs = listFileRuns(reportsDir);
    if (runs.length === 0) out('no seed runs recorded under reports/seed');
    for (const r of runs)
      out(
        `${r.run_id.padEnd(34)} ${r.status.padEnd(9)} seed=${r.seed} users=${String(r.params.users)} started ${r.started_at}`,
      );
    record({ kind: 'runs', runs: runs.map((r) => ({ runId: r.run_id, seed: r.seed, status: r.status })) });
    return ExitCode.ok;
  }
  const auth = new AdminApiAuth(target.supabaseUrl, target.serviceRoleKey);
  if (values.clean) {
    await auth.check();
    const deleted = await cleanViaDataApi(
      reportsDir,
      values.clean,
      new DataApi(target.supabaseUrl, target.serviceRoleKey),
      auth,
      out,
    );
    out(`cleaned run ${values.clean}:`);
    for (const [table, n] of deleted) out(`  ${table.padEnd(32)} ${String(n).padStart(9)}`);
    return ExitCode.ok;
  }
  const result = await runSeedViaDataApi({ ...sizes, authWriter: 'admin-api', target, log: out, reportsDir });
  const signedIn = target.tokenSigner ? undefined : await signInTokens(target, result.world, signInCount, out);
  const manifest = await writeManifest(config.repoRoot, config.stateDir, result.runId, result.world, target, signedIn);
  for (const [table, rows] of result.rows) out(`${table.padEnd(32)} ${String(rows).padStart(9)}`);
  out(`${(result.totalMs / 1000).toFixed(1)} s in all; Auth accounts ${(result.authMs / 1000).toFixed(1)} s`);
  out(`run id:   ${result.runId}`);
  out(`manifest: ${manifest.file}`);
  record({
    kind: 'seeded',
    runId: result.runId,
    manifest: manifest.file,
    targetIdentity: await seededTarget(target),
  });
  return ExitCode.ok;
}

/** The seeded target's identity, for the result file; the database's only when it was used. */
async function seededTarget(target: SeedTarget): Promise<TargetIdentity> {
  const urls = { appUrl: target.apiUrl, supabaseUrl: target.supabaseUrl };
  if (target.databaseUrl) return readTargetIdentity(urls, target.databaseUrl);
  return { appUrl: urls.appUrl, supabaseUrl: urls.supabaseUrl, database: null };
}

function positiveNumber(flag: string, raw: string, integer: boolean): number;
function positiveNumber(flag: string, raw: string | undefined, integer: boolean): number | undefined;
function positiveNumber(flag: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${flag}: expected a positive ${integer ? 'integer' : 'number'}, received ${JSON.stringify(raw)}`,
      [USAGE],
    );
  }
  return n;
}

await runCommand(async () => {
  const { values, positionals } = parseCommand(commands.seed, process.argv.slice(2));
  if (positionals.length > 0)
    throw new UsageError(`seed: unexpected argument ${JSON.stringify(positionals.join(' '))}`, [USAGE]);
  const targetKind = values.target as TargetKind;
  if (targetKind !== 'local' && targetKind !== 'staging')
    throw new UsageError(`--target: expected local or staging, received ${JSON.stringify(values.target)}`, [USAGE]);
  const authWriterFlag = values['auth-writer'] as AuthWriterKind | undefined;
  if (authWriterFlag !== undefined && authWriterFlag !== 'admin-api' && authWriterFlag !== 'sql')
    throw new UsageError(
      `--auth-writer: expected admin-api or sql, received ${JSON.stringify(values['auth-writer'])}`,
      [USAGE],
    );
  const scale = positiveNumber('scale', values.scale, false);
  const users = positiveNumber('users', values.users, true);
  const batchUsers = positiveNumber('batch-users', values['batch-users'], true);
  const writers = positiveNumber('writers', values.writers, true);
  const seed = values.seed;
  const resultFile = values['result-file'];
  const record = (result: SeedResult) => {
    if (resultFile !== undefined) writeSeedResult(resultFile, result);
  };

  const config = loadConfig({ flags: values });
  const target = await resolveTarget(config, targetKind);
  // Accounts in bulk wherever the seed has the database anyway; the admin API only without one.
  const authWriter: AuthWriterKind = target.databaseUrl ? (authWriterFlag ?? 'sql') : 'admin-api';
  if (!target.databaseUrl && authWriterFlag === 'sql') {
    throw new UsageError(
      "--auth-writer sql needs the target's database: set DATABASE_URL (or drop the flag to use the Auth admin API)",
      [USAGE],
    );
  }

  if (values['dry-run']) {
    const plan = planSeed({ seed, scale, users, batchUsers, writers, authWriter });
    const perUser = 'sessions ~lognormal(3.2, 0.55), swipes/session ~lognormal(15, 0.7)';
    out(`plan (dry run, nothing written): run ${plan.runId}`);
    out(
      `  target      ${target.kind}  ${target.supabaseUrl}  database ${target.databaseUrl ? target.databaseSetting : '(none)'}`,
    );
    out(
      `  users       ${plan.params.users}  (Auth via ${authWriter}, batches of ${plan.batchUsers} over ${plan.writers} connection${plan.writers === 1 ? '' : 's'})`,
    );
    out(`  products    ${plan.params.products}  (Zipf s=${behaviour.zipfExponent.value}, 10 categories)`);
    out(`  behaviour   ${perUser}; expect ~100 rows per user over 9 tables`);
    out(`  manifest    reports/seed/${plan.runId}/manifest.json`);
    return ExitCode.ok;
  }
  const reportsDir = path.join(config.repoRoot, 'reports', 'seed');
  const signInCount = positiveNumber('sign-in', values['sign-in'], true);
  if (!target.databaseUrl)
    return dataApiFallback(values, reportsDir, { seed, scale, users, batchUsers }, target, config, signInCount, record);

  if (values.list) {
    const runs = await withClient(target.databaseUrl, target.databaseSetting, listRuns);
    if (runs.length === 0) out('no seed runs in this database');
    for (const r of runs) {
      const total = Object.entries(r.row_counts)
        .filter(([t]) => t.startsWith('public.'))
        .reduce((a, [, n]) => a + n, 0);
      out(
        `${r.run_id.padEnd(34)} ${r.status.padEnd(9)} seed=${r.seed} users=${String(r.params.users)} rows=${total} started ${r.started_at.toISOString()}`,
      );
    }
    record({ kind: 'runs', runs: runs.map((r) => ({ runId: r.run_id, seed: r.seed, status: r.status })) });
    return ExitCode.ok;
  }

  if (values.clean) {
    const runId = values.clean;
    return withClient(target.databaseUrl, target.databaseSetting, async (client) => {
      const run = await findRun(client, runId);
      const auth =
        run.params.authWriter === 'sql'
          ? new SqlAuth(client)
          : new AdminApiAuth(target.supabaseUrl, target.serviceRoleKey);
      if (auth instanceof AdminApiAuth) await auth.check();
      const { deleted } = await cleanRun(client, runId, auth, out);
      // The local "latest" manifest must not keep pointing at accounts that no longer exist.
      const latest = path.join(config.stateDir, 'manifest-latest.json');
      if (existsSync(latest) && manifestHead(latest).startsWith(`{"version":1,"runId":${JSON.stringify(runId)},`))
        rmSync(latest);
      out(`cleaned run ${runId}:`);
      for (const [table, n] of deleted) out(`  ${table.padEnd(32)} ${String(n).padStart(9)}`);
      return ExitCode.ok;
    });
  }

  const { result, manifest, wallMs, resumed } = await seedCommand({
    seed,
    scale,
    users,
    batchUsers,
    writers,
    authWriter,
    target,
    log: out,
    progress: progressTo(process.stdout),
    repoRoot: config.repoRoot,
    stateDir: config.stateDir,
    signIn: signInCount,
  });
  out('');
  if (resumed) return finished(result.runId, manifest, record, target);
  out(`${'table'.padEnd(32)} ${'rows'.padStart(9)} ${'copy s'.padStart(8)} ${'rows/s'.padStart(10)}`);
  let total = 0;
  for (const [table, rows] of result.rows) {
    const ms = result.copyMs.get(table);
    if (table.startsWith('public.')) total += rows;
    out(
      `${table.padEnd(32)} ${String(rows).padStart(9)} ${ms === undefined ? '       -' : (ms / 1000).toFixed(2).padStart(8)} ${
        ms
          ? Math.round(rows / (ms / 1000))
              .toString()
              .padStart(10)
          : '         -'
      }`,
    );
  }
  out(
    `${'public rows, whole run'.padEnd(32)} ${String(total).padStart(9)} ${(wallMs / 1000).toFixed(2).padStart(8)} ${Math.round(
      total / (wallMs / 1000),
    )
      .toString()
      .padStart(10)}`,
  );
  const accounts = result.rows.get('auth.users') ?? 0;
  out(
    `Auth accounts: ${accounts} in ${(result.authMs / 1000).toFixed(1)} s = ${Math.round(accounts / (result.authMs / 1000))}/s via ${authWriter === 'sql' ? 'bulk COPY (one bcrypt hash per run)' : 'the admin API'}${result.authRetries ? `, ${result.authRetries} requests retried` : ''}`,
  );
  out(`peak RSS: ${peakRssMb().toFixed(0)} MB`);
  return finished(result.runId, manifest, record, target);
});

/** The lines and the result file every finished seed ends with. */
async function finished(
  runId: string,
  manifest: { file: string; latest?: string | undefined },
  record: (result: SeedResult) => void,
  target: SeedTarget,
): Promise<number> {
  out(`run id:   ${runId}`);
  out(`manifest: ${manifest.file}${manifest.latest ? ` (and ${manifest.latest})` : ''}`);
  record({ kind: 'seeded', runId, manifest: manifest.file, targetIdentity: await seededTarget(target) });
  return ExitCode.ok;
}
