/**
 * `npm run distribute -- k8s`: writes what the k6-operator needs to run a profile on N Kubernetes
 * runners (the entry script bundled with esbuild in a ConfigMap, the seed manifest and secret
 * settings in a Secret, a results claim, the TestRun, a collector pod, each runner's load.json plan)
 * and collect.sh, which applies it, waits, collects every runner's raw output and runs one merged
 * verify. Needs no k6: the runners bring their own image.
 * Nothing is applied here: the files are for a person with cluster access to review and run.
 * Flags and exit codes: `commands.distribute` in lib/commands.ts (`--help`).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleK6Script } from '../distribute/bundle.ts';
import { collectScript } from '../distribute/collect-script.ts';
import {
  buildK8sManifests,
  DEFAULT_K6_IMAGE,
  MANIFEST_FILE,
  OBJECT_DATA_LIMIT_BYTES,
  runnerArguments,
} from '../distribute/k8s.ts';
import { runnerLoadFiles, totalVUs } from '../distribute/load-plan.ts';
import { fitManifest } from '../distribute/seed-manifest.ts';
import { runnerSettings } from '../distribute/settings.ts';
import { type AccessMode, accessModes } from '../distribute/storage.ts';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { repoRoot, reportsDir } from '../lib/paths.ts';
import { type LoadPlan, type ProfileName, profileNames } from '../model/profiles.ts';
import { parseScenarioEnv, type ScenarioEnv, ScenarioEnvError } from '../scenarios/lib/env.ts';
import { runFolderName } from '../scenarios/lib/load-metadata.ts';
import { planFor } from '../scenarios/lib/options.ts';

const USAGE = usage(commands.distribute);
/** What collect.sh adds to the folder once a run is collected. */
const COLLECTED = ['instances', 'report'];
const say = (line: string) => process.stdout.write(`${line}\n`);

await runCommand(async () => {
  const { values, positionals } = parseCommand(commands.distribute, process.argv.slice(2));
  if (positionals.length !== 1 || positionals[0] !== 'k8s') {
    throw new UsageError(
      `distribute: expected the target "k8s", received ${JSON.stringify(positionals.join(' ') || '(none)')}`,
      [USAGE, 'For several hosts without Kubernetes: npm run load -- <profile> --instances N --print-commands'],
    );
  }
  const profile = values.profile;
  if (!(profileNames as readonly string[]).includes(profile))
    throw new UsageError(`--profile: expected one of ${profileNames.join(', ')}, received ${JSON.stringify(profile)}`);
  let scenarioEnv: ScenarioEnv;
  try {
    scenarioEnv = parseScenarioEnv(process.env, (file) => readFileSync(path.resolve(repoRoot, file), 'utf8'));
  } catch (error) {
    if (error instanceof ScenarioEnvError)
      throw new UsageError(error.message, ['The scenario settings are described in docs/load.md.']);
    throw error;
  }
  const plan = planFor(profile as ProfileName, scenarioEnv);
  const instances = parseInstances(values.instances, profile, plan);
  const accessMode = values['access-mode'];
  if (!(accessModes as readonly string[]).includes(accessMode))
    throw new UsageError(
      `--access-mode: expected ${accessModes.join(' or ')}, received ${JSON.stringify(accessMode)}`,
      [
        'ReadWriteMany lets runners on several nodes write the one results claim; ReadWriteOnce keeps every pod on one node.',
      ],
    );
  const { env, secretNames } = runnerSettings(process.env, scenarioEnv);
  const secretSettings = Object.entries(env).filter(([name]) => secretNames.has(name));
  const manifest = fitManifest(
    readSeedManifest(scenarioEnv.manifestPath),
    OBJECT_DATA_LIMIT_BYTES -
      Buffer.byteLength(MANIFEST_FILE) -
      secretSettings.reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0),
    scenarioEnv.manifestPath,
  );
  const entry = path.join('scenarios', `${profile}.ts`);
  const bundle = await bundleK6Script(repoRoot, entry);
  for (const warning of bundle.warnings) say(`esbuild warning: ${warning}`);

  const name = values.name ?? runFolderName(`aclue-${profile}`, new Date());
  const outDir = path.resolve(values['out-dir'] ?? path.join(reportsDir, name));
  // Rewriting the files would throw away a run's collected results with them.
  const collected = COLLECTED.filter((entry) => existsSync(path.join(outDir, entry)));
  if (collected.length > 0)
    throw new UsageError(
      `--out-dir: ${outDir} holds the collected results of an earlier run (${collected.join(', ')}); rewriting the files there would lose them`,
      ['Give another --name or --out-dir, or move the folder away first.'],
    );
  const image = values.image ?? DEFAULT_K6_IMAGE;
  const manifests = buildK8sManifests({
    name,
    namespace: values.namespace,
    parallelism: instances,
    script: bundle.code,
    manifest: manifest.json,
    env,
    secretNames,
    image,
    storage: values.storage,
    storageClass: values['storage-class'],
    accessMode: accessMode as AccessMode,
  });
  const loadFiles = runnerLoadFiles({
    plan,
    env: scenarioEnv,
    parallelism: instances,
    image,
    seedRunId: manifest.runId,
    args: runnerArguments(name),
    shownSettings: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secretNames.has(k) ? '<set>' : v])),
  });
  const collect = collectScript({
    name,
    namespace: values.namespace,
    parallelism: instances,
    kitDir: repoRoot,
    seedRunId: manifest.runId,
    accessMode: accessMode as AccessMode,
    storageClass: values['storage-class'],
    names: manifests.names,
    durationSeconds: plan.durationSeconds,
  });
  // Written beside each other under a temporary name first: a half-written set is never left behind.
  const partial = `${outDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(path.join(partial, 'load-plan'), { recursive: true });
  writeFileSync(path.join(partial, 'manifests.yaml'), manifests.yaml);
  writeFileSync(path.join(partial, 'collector.yaml'), manifests.collectorYaml);
  loadFiles.forEach((text, i) => {
    writeFileSync(path.join(partial, 'load-plan', `${name}-${i + 1}.json`), text);
  });
  writeFileSync(path.join(partial, 'collect.sh'), collect);
  chmodSync(path.join(partial, 'collect.sh'), 0o755);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(partial, outDir);

  const shown = (file: string) => {
    const relative = path.relative(process.cwd(), path.join(outDir, file));
    return relative.startsWith('..') ? path.join(outDir, file) : relative;
  };
  say(
    `k6-operator TestRun "${name}": ${instances} runners of ${entry} (${bundle.inputs.length} modules bundled, image ${image}); ` +
      `ConfigMap ${kib(manifests.configMapBytes)} and Secret ${kib(manifests.secretBytes)} of 1024 KiB each`,
  );
  say(
    `  seed run ${manifest.runId ?? '(none named)'}: ${manifest.users === manifest.seededUsers ? `all ${manifest.users} users` : `${manifest.users} of ${manifest.seededUsers} users (what fits in the Secret)`}`,
  );
  say(
    `  results claim ${manifests.names.claim}: ${accessMode}, ${values['storage-class'] ? `storage class ${values['storage-class']}` : "the cluster's default storage class"}, ${values.storage}`,
  );
  say(`  ${shown('manifests.yaml')}   Secret + ConfigMap + PersistentVolumeClaim + TestRun`);
  say(
    `  ${shown('collect.sh')}       check storage, apply, wait, collect, one merged verify (./collect.sh cleanup removes it)`,
  );
  say('Each runner judges only its own share; the global thresholds are evaluated by verify on the merged raw output.');
  return ExitCode.ok;
});

/** The seed manifest's text; the runners open() it from the Secret (distribute/seed-manifest.ts fits it in). */
function readSeedManifest(file: string): string {
  const where = path.resolve(repoRoot, file);
  try {
    return readFileSync(where, 'utf8');
  } catch (error) {
    throw new UsageError(
      `K6_MANIFEST: the seed manifest ${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); the runners need it`,
      ['Seed the target first (`npm run seed`), or point K6_MANIFEST at the manifest of the run to load.'],
    );
  }
}

/** The k6-operator stops a run (stage error) whose runners outnumber the script's VUs. */
function parseInstances(raw: string | undefined, profile: string, plan: LoadPlan): number {
  const n = Number(raw);
  const most = totalVUs(plan);
  if (raw === undefined || !Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `--instances: expected a whole number of runners from 1 to ${most}, received ${JSON.stringify(raw ?? '(none)')}`,
      [USAGE],
    );
  }
  if (n > most) {
    const perJourney = Object.entries(plan.scenarios)
      .map(([journey, s]) => `${journey} ${s?.preAllocatedVUs}`)
      .join(', ');
    throw new UsageError(
      `--instances: ${n} runners, but the ${profile} profile has ${most} VUs in all (${perJourney}); the k6-operator refuses more runners than VUs. The largest N is ${most}`,
      ['k6 splits every journey among the runners, so fewer runners with more VUs each deliver the same load.'],
    );
  }
  return n;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}
