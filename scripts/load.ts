/**
 * `npm run load -- <profile>`: runs the profile's journeys with the user's k6 (`k6 run
 * scenarios/<profile>.ts`, the same script a person runs by hand) or, where k6 is not installed, with
 * the kit's engine (engine/cli.ts, the same command line and the same journeys), and keeps everything
 * the report needs in `reports/<profile>-<yyyymmdd-hhmmss>/`: k6-raw.json.gz (every sample, k6's JSON
 * output whichever engine ran), k6-summary.json and .txt, k6-dashboard.html (k6's web dashboard
 * export, k6 only) and load.json (profile, engine and version, command, schedule; docs/load.md).
 *
 * The scenarios' own settings (K6_API_URL, K6_MANIFEST, K6_BASELINE_RATES, ...) pass through the
 * environment to k6 unchanged; they are parsed here with the scenarios' own parser, so a bad value
 * fails before k6 starts and load.json records what k6 was scheduled to do.
 * Flags and exit codes: `commands.load` in lib/commands.ts (`--help`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { instancePart } from '../engine/instance-part.ts';
import { parseSegment } from '../engine/segments.ts';
import { ENGINE_VERSION } from '../engine/version.ts';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands, processes } from '../lib/commands.ts';
import { type KitConfig, loadConfig } from '../lib/config.ts';
import { EnvironmentError, ExitCode, UsageError } from '../lib/errors.ts';
import { findK6, K6_INSTALL_HINT } from '../lib/k6-find.ts';
import { repoRoot, reportsDir } from '../lib/paths.ts';
import { readTargetIdentity } from '../lib/target-identity.ts';
import { type ProfileName, profileNames, profiles } from '../model/profiles.ts';
import { parseScenarioEnv, type ScenarioEnv, ScenarioEnvError, scenarioSettings } from '../scenarios/lib/env.ts';
import {
  type GeneratorFigures,
  generatorFigures,
  type LoadEngineInfo,
  loadMetadata,
  runFolderName,
  shellLine,
} from '../scenarios/lib/load-metadata.ts';
import { parseManifest } from '../scenarios/lib/manifest.ts';
import { lengthenedNote, planFor } from '../scenarios/lib/options.ts';
import { databaseTarget } from '../stack/database.ts';
import { localKeys } from '../stack/server/keys.ts';
import { watchDatabase } from '../verify/sampler.ts';

const USAGE = usage(commands.load);
const capacityShape = profiles.capacity.shape as Extract<(typeof profiles)['capacity']['shape'], { kind: 'steps' }>;
const log = (line: string) => process.stderr.write(`${line}\n`);

await runCommand(async () => {
  const { values, positionals } = parseCommand(commands.load, process.argv.slice(2));
  const [profile, ...extra] = positionals;
  if (!profile || extra.length > 0 || !(profileNames as readonly string[]).includes(profile)) {
    throw new UsageError(
      `load: expected one profile of ${profileNames.join(', ')}; received ${JSON.stringify(positionals.join(' ') || '(none)')}`,
      [USAGE],
    );
  }
  const config = loadConfig({ flags: values });
  if (values['max-rate'] !== undefined && profile !== 'capacity')
    throw new UsageError(
      `--max-rate: only the capacity profile steps its rate up; ${profile} runs as its profile says`,
      [USAGE],
    );
  // The seed writes its manifest into the state folder; the scenarios alone only know `.kit/`.
  const manifestEnv: NodeJS.ProcessEnv =
    process.env.K6_MANIFEST || config.stateDir === path.join(config.repoRoot, '.kit')
      ? process.env
      : { ...process.env, K6_MANIFEST: path.join(config.stateDir, 'manifest-latest.json') };
  // --max-rate is the capacity scenario's own K6_MAX_RATE, so k6 run scenarios/capacity.ts reads the same.
  const rateEnv: NodeJS.ProcessEnv =
    values['max-rate'] === undefined ? manifestEnv : { ...manifestEnv, K6_MAX_RATE: values['max-rate'] };
  // The target's URLs, declared once (KIT_APP_URL, SUPABASE_URL), are the scenarios' defaults.
  const targetEnv = scenarioTargetEnv(rateEnv, config);
  const env = { ...targetEnv, ...(await localStackKey(config, targetEnv)) };
  const scenarioEnv = explained(() =>
    parseScenarioEnv(env, (file) => readFileSync(path.resolve(repoRoot, file), 'utf8')),
  );
  const plan = explained(() => planFor(profile as ProfileName, scenarioEnv));
  const engine = await chooseEngine(config.loadEngine, config.k6Bin);

  const instances = parseInstances(values.instances);
  const startedAt = new Date();
  const dir = path.resolve(values['out-dir'] ?? path.join(reportsDir, runFolderName(profile, startedAt)));
  const script = path.join('scenarios', `${profile}.ts`);
  const runTag = startedAt.getTime().toString(36);
  const runs = Array.from({ length: instances }, (_, i) =>
    instanceRun(dir, script, instances, i, runTag, plan.durationSeconds, engine.info.name),
  );

  if (values['print-commands']) {
    // One line per load-generator host; each writes its own folder, which verify merges.
    process.stdout.write(`# ${instances} hosts, each with a copy of this repo and the same seed manifest:\n`);
    for (const run of runs)
      process.stdout.write(`${shellLine({ ...givenSettings(env), ...run.env }, [...engine.shown, ...run.args])}\n`);
    process.stdout.write(
      `# then, with every instance folder copied here:\nnpm run verify -- ${runs.map((r) => `--run ${path.relative(repoRoot, r.dir)}`).join(' ')}\n`,
    );
    return ExitCode.ok;
  }
  log(
    `load: ${profile} against ${scenarioEnv.apiUrl} on ${engine.info.name} ${engine.info.version} (${engine.why}); ${instances > 1 ? `${instances} instances, ` : ''}outputs in ${path.relative(repoRoot, dir) || dir}`,
  );
  const lengthened = lengthenedNote(plan, scenarioEnv.durationSeconds);
  if (lengthened) log(`load: ${lengthened}`);
  // Database statistics are reset and connections sampled around the run, so the database gate describes this run.
  mkdirSync(runs[0]!.dir, { recursive: true });
  const databaseUrl = databaseTarget(config).url;
  const targetIdentity = await readTargetIdentity(
    { appUrl: scenarioEnv.apiUrl, supabaseUrl: scenarioEnv.supabaseUrl },
    databaseUrl,
  );
  if (plan.steps)
    log(
      `load: ${plan.steps.length} steps from ${plan.steps[0]!.multiplier}x to ${plan.steps.at(-1)!.multiplier}x the baseline (never past ${scenarioEnv.maxRate ?? capacityShape.maxMultiplier}x), ${plan.durationSeconds} s`,
    );
  const watch = await watchDatabase(databaseUrl, runs[0]!.dir, 1000, statementSnapshots(plan));
  const codes = await Promise.all(
    runs.map(async (run, i) => {
      mkdirSync(run.dir, { recursive: true });
      // With several instances only the first keeps the terminal; the others log to their folder.
      const exitCode = await runEngine(
        engine.argv,
        run.args,
        { ...env, ...run.env },
        i === 0 ? undefined : path.join(run.dir, 'load-output.log'),
      );
      const metadata = loadMetadata({
        plan,
        engine: engine.info,
        command: shellLine({ ...givenSettings(env), ...run.env }, [...engine.shown, ...run.args]),
        startedAt,
        finishedAt: new Date(),
        exitCode,
        targetUrl: scenarioEnv.apiUrl,
        supabaseUrl: scenarioEnv.supabaseUrl,
        seedRunId: seedRunId(scenarioEnv),
        baselineSource: scenarioEnv.baselineSource,
        ...(run.segment
          ? {
              instance: String(i + 1),
              share: 1 / instances,
              part: instancePart(plan, parseSegment(run.segment.segment, run.segment.sequence)),
            }
          : {}),
        ...generatorOf(run.dir),
      });
      const file = path.join(run.dir, 'load.json');
      writeFileSync(`${file}.partial`, `${JSON.stringify({ ...metadata, targetIdentity }, null, 2)}\n`);
      renameSync(`${file}.partial`, file);
      return exitCode;
    }),
  );
  const watched = await watch.stop();
  log(
    watched.file
      ? `load: database statistics ${watch.reset?.tables ? 'reset before the run' : 'taken as deltas over the run (they may not be reset here)'}; connection samples and top statements in ${path.dirname(watched.file)}`
      : `load: ${watched.problem}`,
  );
  log(
    `load: ${engine.info.name} exited ${codes.map((c) => c ?? 'by a signal').join(', ')}; run folder${instances > 1 ? 's' : ''} ${runs.map((r) => r.dir).join(' ')}`,
  );
  if (codes.includes(null))
    throw new EnvironmentError(`${engine.info.name} was killed before it finished; the run folder holds what it wrote`);
  // Thresholds breached anywhere (99) outrank a clean exit; any other failure outranks both.
  return codes.find((c) => c !== 0 && c !== 99) ?? codes.find((c) => c === 99) ?? 0;
});

/** The generator's figures from the run's k6-summary.json, when the engine wrote one. */
function generatorOf(dir: string): { generator?: GeneratorFigures } {
  const file = path.join(dir, 'k6-summary.json');
  if (!existsSync(file)) return {};
  try {
    const generator = generatorFigures(JSON.parse(readFileSync(file, 'utf8')));
    return generator ? { generator } : {};
  } catch {
    return {}; // a broken summary is verify's to report, with the file named
  }
}

/**
 * A capacity run snapshots pg_stat_statements several times within its shortest step, so each
 * step's statements are the difference of two snapshots inside it.
 */
function statementSnapshots(plan: ReturnType<typeof planFor>): { statementsEveryMs?: number } {
  if (!plan.steps) return {};
  const shortest = Math.min(...plan.steps.map((s) => s.holdSeconds));
  return { statementsEveryMs: Math.round(Math.min(5, Math.max(0.5, shortest / 5)) * 1000) };
}

interface InstanceRun {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly args: string[];
  /** The execution segment it runs, when the run is split. */
  readonly segment?: { readonly segment: string; readonly sequence: string };
}

interface Engine {
  readonly info: LoadEngineInfo;
  /** The program and its first arguments. */
  readonly argv: readonly string[];
  /** The same as a person types it (repo-relative, no absolute paths of this machine). */
  readonly shown: readonly string[];
  readonly why: string;
}

/** `auto`: the user's k6 when it is installed, else the kit's engine; `k6` insists on k6. */
async function chooseEngine(choice: 'auto' | 'kit' | 'k6', k6Bin: string | undefined): Promise<Engine> {
  const k6 = choice === 'kit' ? undefined : await findK6(k6Bin, log);
  if (k6)
    return { info: { name: 'k6', version: k6.version }, argv: [k6.path], shown: ['k6'], why: `k6 from ${k6.how}` };
  if (choice === 'k6')
    throw new EnvironmentError('--engine k6: k6 not found (K6_BIN, PATH)', [
      `To use k6, ${K6_INSTALL_HINT}; or run with --engine kit (the kit's engine, the same journeys).`,
    ]);
  const cli = path.join('engine', 'cli.ts');
  return {
    info: { name: 'kit-engine', version: ENGINE_VERSION },
    argv: [process.execPath, ...processes.engine.node, '--import', 'tsx', path.join(repoRoot, cli)],
    shown: ['node', ...processes.engine.node, '--import', 'tsx', cli],
    why: choice === 'kit' ? 'chosen with --engine kit' : 'k6 not found',
  };
}

/**
 * One load process of the run. With N > 1 instances each runs its execution segment i/N:(i+1)/N of the
 * sequence 0,1/N,...,1 (its part of every scenario's VUs and arrivals, by k6's striping: a scenario with
 * fewer VUs than instances runs on some of them only), tags its samples with instance_id, and writes its own
 * folder. setup() only probes the target, so each instance running it has no side effects; the one
 * shared value, the run tag in order ids, is made here once and passed to all.
 */
function instanceRun(
  base: string,
  script: string,
  count: number,
  index: number,
  runTag: string,
  durationSeconds: number,
  engine: LoadEngineInfo['name'],
): InstanceRun {
  const dir = count === 1 ? base : path.join(base, `instance-${index + 1}`);
  const env: Record<string, string> = { K6_SUMMARY_DIR: dir };
  if (count === 1 && engine === 'kit-engine')
    return { dir, env, args: ['run', '--out', `json=${path.join(dir, 'k6-raw.json.gz')}`, script] };
  if (count === 1) {
    Object.assign(env, {
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_EXPORT: path.join(dir, 'k6-dashboard.html'),
      // -1: no dashboard HTTP server, so the run ends when the test ends (and no port is taken).
      K6_WEB_DASHBOARD_PORT: '-1',
      // k6 skips the export of a run shorter than a few aggregation periods (10 s by default): short
      // runs get a shorter period, so a smoke run has its report too.
      K6_WEB_DASHBOARD_PERIOD: `${Math.max(1, Math.min(10, Math.floor(durationSeconds / 30)))}s`,
    });
    return { dir, env, args: ['run', '--out', `json=${path.join(dir, 'k6-raw.json.gz')}`, script] };
  }
  Object.assign(env, { K6_RUN_TAG: runTag, K6_INSTANCE: String(index + 1) });
  const point = (i: number) => (i === 0 ? '0' : i === count ? '1' : `${i}/${count}`);
  const sequence = Array.from({ length: count + 1 }, (_, i) => point(i)).join(',');
  const segment = `${point(index)}:${point(index + 1)}`;
  return {
    dir,
    env,
    segment: { segment, sequence },
    args: [
      'run',
      '--execution-segment',
      segment,
      '--execution-segment-sequence',
      sequence,
      '--tag',
      `instance_id=${index + 1}`,
      '--out',
      `json=${path.join(dir, 'k6-raw.json.gz')}`,
      script,
    ],
  };
}

function parseInstances(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(
      `--instances: expected a whole number of k6 processes from 1 to 64, received ${JSON.stringify(raw)}`,
      [USAGE],
    );
  }
  return n;
}

/**
 * The scenarios' default key is the local stack's legacy anon key (k6 cannot derive keys); a local
 * stack running the new keys (KIT_STACK_KEYS=new) gets its publishable key unless K6_ANON_KEY is set.
 */
async function localStackKey(config: KitConfig, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  if (env.K6_ANON_KEY?.trim() || config.stackKeys !== 'new') return {};
  return { K6_ANON_KEY: (await localKeys(config.jwtSecret, 'new')).anonKey };
}

/** The environment with K6_API_URL from KIT_APP_URL and K6_SUPABASE_URL from SUPABASE_URL, unless set. */
function scenarioTargetEnv(given: NodeJS.ProcessEnv, config: KitConfig): NodeJS.ProcessEnv {
  const env = { ...given };
  if (!env.K6_API_URL?.trim() && config.appUrl) env.K6_API_URL = config.appUrl;
  if (!env.K6_SUPABASE_URL?.trim() && config.supabase.url) env.K6_SUPABASE_URL = config.supabase.url;
  return env;
}

/** A scenario setting that cannot be used is a usage error (exit 2), before anything starts. */
function explained<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ScenarioEnvError)
      throw new UsageError(error.message, ['The scenario settings are described in docs/load.md.']);
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

/** Runs the engine in the repo root with the terminal attached (progress and summary visible); resolves its exit code. */
function runEngine(
  argv: readonly string[],
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logFile?: string,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const output = logFile === undefined ? 'inherit' : openSync(logFile, 'w');
    const child = spawn(argv[0]!, [...argv.slice(1), ...args], {
      cwd: repoRoot,
      env,
      stdio: ['inherit', output, output],
    });
    // Ctrl-C reaches the engine directly (same process group) and it stops gracefully, writing its
    // summary; this process waits for that instead of dying first. SIGTERM is only sent to us: pass it on.
    const ignore = () => undefined;
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore).on('SIGTERM', forward);
    child.on('error', (error) => reject(new EnvironmentError(`cannot start ${argv.join(' ')}: ${error.message}`)));
    child.on('close', (code) => {
      process.off('SIGINT', ignore).off('SIGTERM', forward);
      resolve(code);
    });
  });
}
