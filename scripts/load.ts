/**
 * `npm run load -- <profile>`: runs `k6 run scenarios/<profile>.ts` (the same script a person runs
 * by hand) and keeps everything the report needs in `reports/<profile>-<yyyymmdd-hhmmss>/`:
 * k6-raw.json.gz (every sample), k6-summary.json and .txt (handleSummary), k6-dashboard.html (k6's
 * web dashboard export) and load.json (profile, k6 version, command, schedule; docs/load.md).
 *
 * The scenarios' own settings (K6_API_URL, K6_MANIFEST, K6_BASELINE_RATES, ...) pass through the
 * environment to k6 unchanged; they are parsed here with the scenarios' own parser, so a bad value
 * fails before k6 starts and load.json records what k6 was scheduled to do.
 * Exit codes: k6's own (0 passed, 99 thresholds failed, 107 setup refused the target, ...),
 * 2 usage or configuration, 3 k6 missing or killed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFlags, runCommand } from '../lib/cli.ts';
import { loadConfig, settingFlags } from '../lib/config.ts';
import { EnvironmentError, ExitCode, UsageError } from '../lib/errors.ts';
import { findOrBuildK6 } from '../lib/k6-binary.ts';
import { reportsDir, repoRoot } from '../lib/paths.ts';
import { profileNames, type ProfileName } from '../model/profiles.ts';
import { parseScenarioEnv, scenarioSettings, ScenarioEnvError, type ScenarioEnv } from '../scenarios/lib/env.ts';
import { loadMetadata, runFolderName, shellLine } from '../scenarios/lib/load-metadata.ts';
import { parseManifest } from '../scenarios/lib/manifest.ts';
import { planFor } from '../scenarios/lib/options.ts';

const USAGE = `usage: npm run load -- <${profileNames.join('|')}> [--out-dir DIR] [--k6-bin PATH]`;
const log = (line: string) => process.stderr.write(`${line}\n`);

await runCommand(async () => {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    { ...settingFlags, 'out-dir': { type: 'string' }, help: { type: 'boolean' } },
    'load',
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  const [profile, ...extra] = positionals;
  if (!profile || extra.length > 0 || !(profileNames as readonly string[]).includes(profile)) {
    throw new UsageError(`load: expected one profile of ${profileNames.join(', ')}; received ${JSON.stringify(positionals.join(' ') || '(none)')}`, [USAGE]);
  }
  const config = loadConfig({ flags: values });
  const scenarioEnv = parseEnvOrExplain(process.env);
  const plan = planFor(profile as ProfileName, scenarioEnv);
  const k6 = await findOrBuildK6({ configured: config.k6Bin, cacheDir: config.cacheDir, log });

  const startedAt = new Date();
  const dir = path.resolve(values['out-dir'] ?? path.join(reportsDir, runFolderName(profile, startedAt)));
  mkdirSync(dir, { recursive: true });
  const script = path.join('scenarios', `${profile}.ts`);
  const kitEnv = {
    K6_SUMMARY_DIR: dir,
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_EXPORT: path.join(dir, 'k6-dashboard.html'),
    // -1: no dashboard HTTP server, so the run ends when the test ends (and no port is taken).
    K6_WEB_DASHBOARD_PORT: '-1',
    // k6 skips the export of a run shorter than a few aggregation periods (10 s by default): short
    // runs get a shorter period, so a smoke run has its report too.
    K6_WEB_DASHBOARD_PERIOD: `${Math.max(1, Math.min(10, Math.floor(plan.durationSeconds / 30)))}s`,
  };
  const args = ['run', '--out', `json=${path.join(dir, 'k6-raw.json.gz')}`, script];
  log(`load: ${profile} against ${scenarioEnv.apiUrl} with k6 ${k6.version} (${k6.how}); outputs in ${path.relative(repoRoot, dir) || dir}`);

  const exitCode = await runK6(k6.path, args, { ...process.env, ...kitEnv });
  const finishedAt = new Date();
  const metadata = loadMetadata({
    plan,
    k6Version: k6.version,
    command: shellLine({ ...givenSettings(process.env), ...kitEnv }, ['k6', ...args]),
    startedAt,
    finishedAt,
    exitCode,
    targetUrl: scenarioEnv.apiUrl,
    supabaseUrl: scenarioEnv.supabaseUrl,
    seedRunId: seedRunId(scenarioEnv),
    baselineSource: scenarioEnv.baselineSource,
  });
  const file = path.join(dir, 'load.json');
  writeFileSync(`${file}.partial`, `${JSON.stringify(metadata, null, 2)}\n`);
  renameSync(`${file}.partial`, file);
  log(`load: k6 exited ${exitCode ?? 'by a signal'}; run folder ${dir}`);
  if (exitCode === null) throw new EnvironmentError('k6 was killed before it finished; the run folder holds what it wrote');
  return exitCode;
});

function parseEnvOrExplain(env: NodeJS.ProcessEnv): ScenarioEnv {
  try {
    return parseScenarioEnv(env, (file) => readFileSync(path.resolve(repoRoot, file), 'utf8'));
  } catch (error) {
    if (error instanceof ScenarioEnvError) throw new UsageError(error.message, ['The scenario settings are described in docs/load.md.']);
    throw error;
  }
}

/** The scenario settings this run was given, secrets masked, so the recorded command can be re-run. */
function givenSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const given: Record<string, string> = {};
  for (const { name, secret } of scenarioSettings) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') given[name] = secret ? '<set>' : value;
  }
  return given;
}

/** The seed run the manifest belongs to; undefined when it is missing (k6's setup() then says why). */
function seedRunId(env: ScenarioEnv): string | undefined {
  const file = path.resolve(repoRoot, env.manifestPath);
  if (!existsSync(file)) return undefined;
  try {
    return parseManifest(readFileSync(file, 'utf8'), env.manifestPath).runId;
  } catch {
    return undefined;
  }
}

/** Runs k6 in the repo root with the terminal attached (progress and summary visible); resolves its exit code. */
function runK6(bin: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: repoRoot, env, stdio: 'inherit' });
    // Ctrl-C reaches k6 directly (same process group) and k6 stops gracefully, writing its summary;
    // this process waits for that instead of dying first. SIGTERM is only sent to us: pass it on.
    const ignore = () => undefined;
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore).on('SIGTERM', forward);
    child.on('error', (error) => reject(new EnvironmentError(`cannot start k6 at ${bin}: ${error.message}`)));
    child.on('close', (code) => {
      process.off('SIGINT', ignore).off('SIGTERM', forward);
      resolve(code);
    });
  });
}
