/**
 * `npm run distribute -- k8s`: writes what the k6-operator needs to
 * run a profile on N Kubernetes runners (the entry script bundled with esbuild and the seed manifest in
 * a ConfigMap, a results claim, the TestRun) and a script that applies it, waits, collects every
 * runner's raw output and runs one merged verify. Needs no k6: the runners bring their own image.
 * Nothing is applied here: the files are for a person with cluster access to review and run.
 * Flags and exit codes: `commands.distribute` in lib/commands.ts (`--help`).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleK6Script } from '../distribute/bundle.ts';
import { buildK8sManifests, DEFAULT_K6_IMAGE } from '../distribute/k8s.ts';
import { runnerSettings } from '../distribute/settings.ts';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { repoRoot, reportsDir } from '../lib/paths.ts';
import { profileNames } from '../model/profiles.ts';
import { parseScenarioEnv, type ScenarioEnv, ScenarioEnvError } from '../scenarios/lib/env.ts';
import { runFolderName } from '../scenarios/lib/load-metadata.ts';

const USAGE = usage(commands.distribute);
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
  const instances = Number(values.instances);
  if (values.instances === undefined || !Number.isInteger(instances) || instances < 1 || instances > 1000) {
    throw new UsageError(
      `--instances: expected a whole number of runners from 1 to 1000, received ${JSON.stringify(values.instances ?? '(none)')}`,
      [USAGE],
    );
  }
  let scenarioEnv: ScenarioEnv;
  try {
    scenarioEnv = parseScenarioEnv(process.env, (file) => readFileSync(path.resolve(repoRoot, file), 'utf8'));
  } catch (error) {
    if (error instanceof ScenarioEnvError)
      throw new UsageError(error.message, ['The scenario settings are described in docs/load.md.']);
    throw error;
  }
  const manifest = readSeedManifest(scenarioEnv.manifestPath);
  const entry = path.join('scenarios', `${profile}.ts`);
  const bundle = await bundleK6Script(repoRoot, entry);
  for (const warning of bundle.warnings) say(`esbuild warning: ${warning}`);

  const name = values.name ?? runFolderName(`aclue-${profile}`, new Date());
  const outDir = path.resolve(values['out-dir'] ?? path.join(reportsDir, name));
  const { env, secretNames } = runnerSettings(process.env, scenarioEnv);
  const image = values.image ?? DEFAULT_K6_IMAGE;
  const manifests = buildK8sManifests({
    name,
    namespace: values.namespace,
    parallelism: instances,
    script: bundle.code,
    manifest,
    env,
    secretNames,
    image,
    storage: values.storage,
  });
  // Written beside each other under a temporary name first: a half-written set is never left behind.
  const partial = `${outDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(path.join(partial, 'manifests.yaml'), manifests.yaml);
  writeFileSync(path.join(partial, 'collect.sh'), manifests.collectScript);
  chmodSync(path.join(partial, 'collect.sh'), 0o755);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(partial, outDir);

  say(
    `k6-operator TestRun "${name}": ${instances} runners of ${entry} (${bundle.inputs.length} modules bundled, ConfigMap ${(manifests.configMapBytes / 1024).toFixed(0)} KiB of 1024, image ${image})`,
  );
  say(
    `  ${path.relative(repoRoot, path.join(outDir, 'manifests.yaml'))}   ConfigMap (script.js, manifest.json) + PersistentVolumeClaim + TestRun`,
  );
  say(
    `  ${path.relative(repoRoot, path.join(outDir, 'collect.sh'))}       apply, wait, collect each runner's raw output, one merged verify`,
  );
  say('Each runner judges only its own share; the global thresholds are evaluated by verify on the merged raw output.');
  return ExitCode.ok;
});

/** The seed manifest's JSON, compacted: the runners open() it from the ConfigMap, which has a size limit. */
function readSeedManifest(file: string): string {
  const where = path.resolve(repoRoot, file);
  let text: string;
  try {
    text = readFileSync(where, 'utf8');
  } catch (error) {
    throw new UsageError(
      `K6_MANIFEST: the seed manifest ${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); the runners need it`,
      ['Seed the target first (`npm run seed`), or point K6_MANIFEST at the manifest of the run to load.'],
    );
  }
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new UsageError(
      `K6_MANIFEST: ${where} is not JSON (${error instanceof Error ? error.message : String(error)}); expected the manifest \`npm run seed\` writes`,
    );
  }
}
