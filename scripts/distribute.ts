/**
 * `npm run distribute -- k8s --instances N [--profile peak]`: writes what the k6-operator needs to
 * run a profile on N Kubernetes runners (the k6 archive in a ConfigMap, a results claim, the TestRun)
 * and a script that applies it, waits, collects every runner's raw output and runs one merged verify.
 * Nothing is applied here: the files are for a person with cluster access to review and run.
 * Exit codes: 0 written, 2 usage or configuration (bad flag, archive too large), 3 k6 missing.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildK8sManifests } from '../distribute/k8s.ts';
import { parseFlags, runCommand } from '../lib/cli.ts';
import { loadConfig, settingFlags } from '../lib/config.ts';
import { EnvironmentError, ExitCode, UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { findOrBuildK6, K6_PINNED } from '../lib/k6-binary.ts';
import { reportsDir, repoRoot } from '../lib/paths.ts';
import { profileNames } from '../model/profiles.ts';
import { parseScenarioEnv, scenarioSettings, ScenarioEnvError } from '../scenarios/lib/env.ts';
import { runFolderName } from '../scenarios/lib/load-metadata.ts';

const USAGE = 'usage: npm run distribute -- k8s --instances N [--profile peak] [--namespace NS] [--image grafana/k6:TAG] [--storage 2Gi] [--out-dir DIR]';
const say = (line: string) => process.stdout.write(`${line}\n`);

await runCommand(async () => {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    {
      ...settingFlags,
      instances: { type: 'string' },
      profile: { type: 'string' },
      namespace: { type: 'string' },
      image: { type: 'string' },
      storage: { type: 'string' },
      name: { type: 'string' },
      'out-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
    'distribute',
  );
  if (values.help) {
    say(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length !== 1 || positionals[0] !== 'k8s') {
    throw new UsageError(`distribute: expected the target "k8s", received ${JSON.stringify(positionals.join(' ') || '(none)')}`, [
      USAGE,
      'For several hosts without Kubernetes: npm run load -- <profile> --instances N --print-commands',
    ]);
  }
  const profile = values.profile ?? 'peak';
  if (!(profileNames as readonly string[]).includes(profile)) throw new UsageError(`--profile: expected one of ${profileNames.join(', ')}, received ${JSON.stringify(profile)}`);
  const instances = Number(values.instances);
  if (values.instances === undefined || !Number.isInteger(instances) || instances < 1 || instances > 1000) {
    throw new UsageError(`--instances: expected a whole number of runners from 1 to 1000, received ${JSON.stringify(values.instances ?? '(none)')}`, [USAGE]);
  }
  const config = loadConfig({ flags: values });
  let scenarioEnv;
  try {
    scenarioEnv = parseScenarioEnv(process.env, (file) => readFileSync(path.resolve(repoRoot, file), 'utf8'));
  } catch (error) {
    if (error instanceof ScenarioEnvError) throw new UsageError(error.message, ['The scenario settings are described in docs/load.md.']);
    throw error;
  }
  const k6 = await findOrBuildK6({ configured: config.k6Bin, cacheDir: config.cacheDir, log: say });

  const name = values.name ?? runFolderName(`aclue-${profile}`, new Date());
  const outDir = path.resolve(values['out-dir'] ?? path.join(reportsDir, name));

  // Settings travel inside the archive (k6 stores -e values in it), secrets in the runners' env.
  const secrets = new Set<string>(scenarioSettings.filter((s) => s.secret).map((s) => s.name));
  const archived: string[] = [];
  const runnerEnv: Record<string, string> = {};
  for (const { name: variable } of scenarioSettings) {
    const value = process.env[variable];
    if (value === undefined || value.trim() === '') continue;
    if (secrets.has(variable)) runnerEnv[variable] = value;
    else archived.push('-e', `${variable}=${value}`);
  }
  // k6 packs the manifest only when the script opens it while archiving: the path must resolve here.
  archived.push('-e', `K6_MANIFEST=${scenarioEnv.manifestPath}`);
  const tmp = path.join(os.tmpdir(), `kit-archive-${process.pid}.tar`);
  const archive = await exec(k6.path, ['archive', ...archived, '-O', tmp, path.join('scenarios', `${profile}.ts`)], { cwd: repoRoot, timeoutMs: 120_000 });
  if (archive.code !== 0) {
    rmSync(tmp, { force: true });
    throw new EnvironmentError(`k6 archive of scenarios/${profile}.ts failed: ${archive.stderr.trim().split('\n').slice(-3).join(' | ')}`, [
      'Seed first (`npm run seed`) so the manifest exists, or point K6_MANIFEST at it.',
    ]);
  }
  const bytes = readFileSync(tmp);
  rmSync(tmp, { force: true });

  const manifests = buildK8sManifests({
    name,
    namespace: values.namespace,
    parallelism: instances,
    archive: bytes,
    env: runnerEnv,
    image: values.image ?? `grafana/k6:${K6_PINNED.version.replace(/^v/, '')}`,
    storage: values.storage ?? '2Gi',
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

  say(`k6-operator TestRun "${name}": ${instances} runners of scenarios/${profile}.ts (archive ${(bytes.byteLength / 1024).toFixed(0)} KiB, k6 ${k6.version})`);
  say(`  ${path.relative(repoRoot, path.join(outDir, 'manifests.yaml'))}   ConfigMap + PersistentVolumeClaim + TestRun`);
  say(`  ${path.relative(repoRoot, path.join(outDir, 'collect.sh'))}       apply, wait, collect each runner's raw output, one merged verify`);
  say('Each runner judges only its own share; the global thresholds are evaluated by verify on the merged raw output.');
  return ExitCode.ok;
});
