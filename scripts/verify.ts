/**
 * `npm run verify`: judges a load run (and the database behind it) against the deployment checklist's
 * success criteria and writes `index.html`, `summary.json` and `junit.xml`. CONDITIONAL exits 0, as
 * GO, when only warnings need a person's judgement, and 4 when an error-level gate could not judge.
 * Flags and exit codes: `commands.verify` in lib/commands.ts (`--help`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { type KitConfig, loadConfig } from '../lib/config.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { packageVersion } from '../lib/package-version.ts';
import { repoRoot, reportsDir } from '../lib/paths.ts';
import { describeConnectError, redactUrl } from '../lib/pg/connect.ts';
import { peakRssMb, progressTo } from '../lib/progress.ts';
import { KEY_SETTINGS, projectApiKeys, projectTokenSigner } from '../lib/project-keys.ts';
import { databaseIdentity, describeTarget, type TargetIdentity, targetUrls } from '../lib/target-identity.ts';
import type { SuccessCriteria } from '../model/slo.ts';
import { databaseTarget } from '../stack/database.ts';
import { type CapacityEnvelope, judgeCapacity } from '../verify/capacity/envelope.ts';
import { readCapacityRun } from '../verify/capacity/steps.ts';
import type { LoadEvidence, VerifyContext } from '../verify/context.ts';
import { loadCriteria } from '../verify/criteria.ts';
import { fixesLine, fixIt } from '../verify/fixes/run.ts';
import { readLoadEvidence } from '../verify/k6/load-evidence.ts';
import { readReportAssets } from '../verify/report/assets.ts';
import { writeCompare } from '../verify/report/compare.ts';
import { buildSummary, readBaseline } from '../verify/report/summary.ts';
import { writeReport } from '../verify/report/write.ts';
import { exitCodeOf, loadGates, runGates, unjudgedErrorGates, verdictOf } from '../verify/run.ts';
import { newestRunOfTarget, refuseForeignLoad } from '../verify/target-evidence.ts';

const USAGE = usage(commands.verify);

/** The newest `reports/peak-*` folder of this target: the default run to judge. */
export function newestPeakRun(
  current: TargetIdentity | undefined,
  dir = reportsDir,
): ReturnType<typeof newestRunOfTarget> {
  return newestRunOfTarget(dir, 'peak-', current);
}

/** `--capacity DIR`, else the newest capacity run (none with --no-load), judged step by step. */
async function capacityEnvelope(
  given: string | undefined,
  noLoad: boolean,
  criteria: SuccessCriteria,
  target: TargetIdentity,
): Promise<CapacityEnvelope | undefined> {
  const dir =
    given !== undefined
      ? path.resolve(given)
      : noLoad
        ? undefined
        : newestRunOfTarget(reportsDir, 'capacity-', target).run;
  if (dir === undefined) return undefined;
  const run = existsSync(dir) && statSync(dir).isDirectory() ? await readCapacityRun(dir) : undefined;
  if (!run) {
    if (given === undefined) return undefined;
    throw new UsageError(`--capacity: ${dir} is not a capacity run folder (no steps in its load.json)`, [
      'Give a folder written by `npm run load -- capacity` (reports/capacity-<stamp>/).',
    ]);
  }
  process.stdout.write(`verify: capacity envelope from ${path.relative(process.cwd(), dir) || '.'}\n`);
  for (const problem of run.problems) process.stderr.write(`verify: ${problem}\n`);
  return judgeCapacity(run, criteria);
}

function stamp(date: Date): string {
  const iso = date.toISOString(); // 2026-11-25T16:05:09.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

async function openDatabase(
  config: KitConfig,
): Promise<{ db: pg.Pool | undefined; dbError?: string; where: string; version?: string }> {
  const target = databaseTarget(config);
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    application_name: 'aclue-kit-verify',
  });
  pool.on('error', () => undefined); // an idle client dropped by the server must not crash verify
  try {
    const version = (await pool.query<{ v: string }>('show server_version')).rows[0]?.v;
    return { db: pool, where: redactUrl(target.url), ...(version ? { version } : {}) };
  } catch (error) {
    await pool.end().catch(() => undefined);
    return {
      db: undefined,
      dbError: describeConnectError(error, target.url, target.setting).message,
      where: redactUrl(target.url),
    };
  }
}

/** Any HTTP answer means something is there; only a transport failure makes it unreachable. */
async function unreachable(url: string, headers: Record<string, string> = {}): Promise<string | undefined> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000), headers });
    return undefined;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
  }
}

/** The Supabase side of the target (Data API, Auth) with its keys, or why there is none. */
async function apiAccess(config: KitConfig): Promise<{ api: VerifyContext['api']; apiError?: string }> {
  let api: VerifyContext['api'];
  if (config.supabase.url) {
    const { anonKey, serviceRoleKey } = projectApiKeys(config.supabase);
    if (!anonKey || !serviceRoleKey) {
      return {
        api: undefined,
        apiError: `SUPABASE_URL is set but ${anonKey ? KEY_SETTINGS.serviceRole : KEY_SETTINGS.anon} is not`,
      };
    }
    const userTokens = await projectTokenSigner(config);
    api = { url: config.supabase.url, anonKey, serviceRoleKey, ...(userTokens ? { userTokens } : {}) };
  } else {
    if (!existsSync(path.join(repoRoot, 'stack', 'server', 'keys.ts')))
      return { api: undefined, apiError: 'the local stack has no keys module' };
    const { localKeys } = (await import('../stack/server/keys.ts')) as typeof import('../stack/server/keys.ts');
    const keys = await localKeys(config.jwtSecret, config.stackKeys);
    api = {
      url: targetUrls(config).supabaseUrl,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
      userTokens: keys.signer,
    };
  }
  const cause = await unreachable(api.url, { apikey: api.anonKey });
  if (cause === undefined) return { api };
  const setting = config.supabase.url ? 'SUPABASE_URL' : "KIT_API_PORT (the kit's stack)";
  return { api: undefined, apiError: `${setting}: nothing answers at ${api.url} (${cause})` };
}

/** The App API (`KIT_APP_URL`): every App API call goes there, never to the Supabase URL. */
async function appAccess(config: KitConfig): Promise<{ app?: { url: string }; appError?: string }> {
  const { appUrl } = targetUrls(config);
  if (appUrl === undefined)
    return {
      appError:
        "KIT_APP_URL is not set: a Supabase project does not serve /api/v1, so the app's own host must be given (--app-url)",
    };
  const setting = config.appUrl ? 'KIT_APP_URL' : "KIT_API_PORT (the kit's stack)";
  const cause = await unreachable(`${appUrl}/api/v1/health`);
  return cause === undefined
    ? { app: { url: appUrl } }
    : { appError: `${setting}: the App API cannot be reached at ${appUrl} (${cause})` };
}

function statsWindowOf(load: LoadEvidence | undefined): VerifyContext['statsWindow'] {
  if (!load) return undefined;
  const starts = load.sources
    .map((s) => s.load?.startedAt)
    .filter((v): v is string => !!v)
    .sort();
  const ends = load.sources
    .map((s) => s.load?.finishedAt)
    .filter((v): v is string => !!v)
    .sort();
  const startedAt = starts[0] ?? load.startedAt;
  const finishedAt = ends.at(-1) ?? load.finishedAt;
  return startedAt && finishedAt ? { startedAt, finishedAt } : undefined;
}

function seedRunIdsOf(
  given: readonly string[] | undefined,
  load: LoadEvidence | undefined,
  config: KitConfig,
): string[] {
  if (given && given.length > 0) return [...new Set(given)];
  const fromLoad = [...new Set((load?.sources ?? []).map((s) => s.load?.seedRunId).filter((v): v is string => !!v))];
  if (fromLoad.length > 0) return fromLoad;
  const latest = path.join(config.stateDir, 'manifest-latest.json');
  try {
    const runId = (JSON.parse(readFileSync(latest, 'utf8')) as { runId?: unknown }).runId;
    return typeof runId === 'string' ? [runId] : [];
  } catch {
    return [];
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand(commands.verify, argv);
  if (values.compare !== undefined) {
    // `--compare A B`: B arrives as the one positional; nothing is judged, two reports are set side by side.
    if (positionals.length !== 1) throw new UsageError('verify: --compare takes two reports, A and B', [USAGE]);
    const file = writeCompare(
      path.resolve(values.compare),
      path.resolve(positionals[0]!),
      path.resolve(values.out ?? path.join(reportsDir, `compare-${stamp(new Date())}`)),
    );
    process.stdout.write(`compare: ${file}\n`);
    return ExitCode.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`verify: unexpected argument ${JSON.stringify(positionals[0])}`, [USAGE]);
  const config = loadConfig({ flags: values });
  const criteria = loadCriteria(config.criteriaFile);

  const given = (values.run ?? []).map((dir) => path.resolve(dir));
  for (const dir of given) {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`--run: ${dir} is not a folder`, [
        'Give a run folder written by `npm run load` (reports/<profile>-<stamp>/).',
      ]);
  }
  if (given.length > 0 && values['no-load'])
    throw new UsageError('verify: --no-load and --run contradict each other; give one of them');
  const database = await openDatabase(config);
  if (database.dbError)
    process.stderr.write(
      `verify: database unreachable, database gates will say insufficient-data: ${database.dbError}\n`,
    );
  // The target under judgement; evidence of another target is not judged (lib/target-identity.ts).
  const urls = targetUrls(config);
  const target: TargetIdentity = {
    appUrl: urls.appUrl ?? null,
    supabaseUrl: urls.supabaseUrl,
    database: database.db ? await databaseIdentity(database.db, databaseTarget(config).url) : null,
  };
  const fallback = given.length === 0 && !values['no-load'] ? newestPeakRun(target) : undefined;
  for (const other of fallback?.skipped ?? [])
    process.stderr.write(`verify: passed over ${path.relative(process.cwd(), other)}: made against another target\n`);
  const runDirs = given.length > 0 ? given : fallback?.run ? [fallback.run] : [];
  if (runDirs.length === 0)
    process.stderr.write(
      values['no-load']
        ? 'verify: --no-load: load gates will say insufficient-data\n'
        : `verify: no --run given and no reports/peak-* run of this target (${describeTarget(target)}) found; load gates will say insufficient-data\n`,
    );
  else
    process.stdout.write(`verify: judging ${runDirs.map((d) => path.relative(process.cwd(), d) || '.').join(', ')}\n`);

  const read = runDirs.length > 0 ? refuseForeignLoad(await readLoadEvidence(runDirs), 'run', target) : undefined;
  const load = read?.load;
  for (const problem of load?.sources.flatMap((s) => s.problems) ?? []) process.stderr.write(`verify: ${problem}\n`);
  const readBase = values.baseline ? await readBaseline(path.resolve(values.baseline)) : undefined;
  const baselineLoad = readBase?.load ? refuseForeignLoad(readBase.load, 'baseline', target) : undefined;
  for (const refusal of baselineLoad?.refusals ?? []) process.stderr.write(`verify: ${refusal}\n`);
  const baseline = readBase && baselineLoad ? { ...readBase, load: baselineLoad.load } : readBase;
  const capacity = await capacityEnvelope(values.capacity, values['no-load'] === true, criteria, target);

  const outDir = path.resolve(
    values.out ?? (runDirs.length === 1 ? runDirs[0]! : path.join(reportsDir, `verify-${stamp(new Date())}`)),
  );
  const assets = readReportAssets();
  const api = await apiAccess(config);
  if (api.apiError)
    process.stderr.write(`verify: API unreachable, API probes will say insufficient-data: ${api.apiError}\n`);
  const app = await appAccess(config);
  if (app.appError)
    process.stderr.write(`verify: App API unreachable, its gates will say insufficient-data: ${app.appError}\n`);
  const statsWindow = statsWindowOf(load);
  const context: VerifyContext = {
    config,
    db: database.db,
    ...(database.dbError ? { dbError: database.dbError } : {}),
    seedRunIds: seedRunIdsOf(values['seed-run'], load, config),
    load,
    ...(capacity ? { capacity } : {}),
    baseline: baseline?.load,
    criteria,
    api: api.api,
    ...(api.apiError ? { apiError: api.apiError } : {}),
    ...(app.app ? { app: app.app } : {}),
    ...(app.appError ? { appError: app.appError } : {}),
    target,
    ...(statsWindow ? { statsWindow } : {}),
    outDir,
  };
  try {
    const gates = await loadGates();
    const status = progressTo(process.stderr);
    const results = await runGates(gates, context, (gate, index, result, ms) => {
      const head = `  gate ${index + 1}/${gates.length} ${gate.id}`;
      if (!result) status.update(`${head} …`);
      else
        status.line(
          `${head}: ${result.status} in ${(ms / 1000).toFixed(1)} s (peak RSS ${Math.round(peakRssMb())} MB)`,
        );
    });
    const verdict = verdictOf(results);
    // fixes.sql beside the report; with --prove-fixes each block is proved on a copy first.
    const fixes = await fixIt(context, { prove: values['prove-fixes'] === true });
    const versions: Record<string, string> = {
      kit: packageVersion('.') ?? 'unknown',
      node: process.version,
      uplot: packageVersion('uplot') ?? 'unknown',
    };
    for (const source of load?.sources ?? [])
      if (source.load?.engine) versions[source.load.engine.name] = source.load.engine.version;
    if (database.version) versions.postgresql = database.version;
    const summary = {
      ...buildSummary({
        runId: path.basename(outDir),
        outDir,
        verdict,
        results,
        load,
        capacity,
        baseline,
        generatedAt: new Date().toISOString(),
        reproducibility: {
          seedRunIds: [...context.seedRunIds],
          loadRunDirs: runDirs,
          criteria: criteria as unknown as Record<string, unknown>,
          versions,
          commands: [
            ...new Set((load?.sources ?? []).map((s) => s.load?.command).filter((c): c is string => !!c)),
            `npm run verify -- ${argv.join(' ')}`.trim(),
          ],
          database: database.where,
          ...(database.dbError ? { databaseError: database.dbError } : {}),
          targetIdentity: target,
        },
      }),
      ...(fixes ? { fixes } : {}),
    };
    const files = writeReport(outDir, summary, assets);
    for (const r of results)
      process.stdout.write(`  ${r.status.padEnd(17)} ${r.level.padEnd(5)} ${r.id}: ${r.measured}\n`);
    const code = exitCodeOf(results);
    const unjudged = unjudgedErrorGates(results);
    const note =
      verdict !== 'CONDITIONAL'
        ? ''
        : code === ExitCode.unjudged
          ? ` (exit 4: error-level gates could not judge: ${unjudged.join(', ')})`
          : " (exit 0: nothing failed at error level, but the gates above need a person's judgement before signing)";
    if (capacity) process.stdout.write(`capacity: ${capacity.headline}\n`);
    if (fixes) process.stdout.write(`${fixesLine(outDir, fixes)}\n`);
    process.stdout.write(
      `verdict: ${verdict}${note}\nreport:  ${files.html}\n         ${files.summary}\n         ${files.junit}\n`,
    );
    return code;
  } finally {
    await database.db?.end().catch(() => undefined);
  }
}

// Run only as a command, so tests can import the helpers above.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await runCommand(() => main(process.argv.slice(2)));
}

export { main as verifyMain };
