/**
 * `npm run demo`: the kit's main job on the local stack, from nothing: setup, stack up, seed a small
 * run, a baseline and a peak (10x) load run, verify with the baseline comparison. Prints the verdict
 * and the report path; the report folder is also linked as `reports/latest`.
 * Flags and exit codes: `commands.demo` in lib/commands.ts (`--help`).
 */
import { rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { describeSettings, loadConfig } from '../lib/config.ts';
import { UsageError, verdictCodes } from '../lib/errors.ts';
import { reportsDir } from '../lib/paths.ts';
import { capacitySeed, createPhaseRunner, PhaseFailed, runCapacityPhase, runLoadPhases } from '../lib/phases.ts';
import { parseDuration } from '../scenarios/lib/env.ts';
import { runFolderName } from '../scenarios/lib/load-metadata.ts';
import { readSeedResult } from '../seed/result-file.ts';
import { databaseStatus } from '../stack/database.ts';
import { chooseStackPorts, recordStackPorts } from '../stack/stack-ports.ts';

const USAGE = usage(commands.demo);
const say = (line: string) => process.stdout.write(`${line}\n`);

await runCommand(async () => {
  const { values } = parseCommand(commands.demo, process.argv.slice(2));
  const config = loadConfig({ flags: values });
  const { scale, seed, duration } = values;
  if (!/^\d+(\.\d+)?$/.test(scale))
    throw new UsageError(`--scale: expected a positive number, received ${JSON.stringify(scale)}`, [USAGE]);
  if (!((parseDuration(duration) ?? 0) > 0))
    throw new UsageError(`--duration: expected a duration such as 30s or 2m, received ${JSON.stringify(duration)}`, [
      USAGE,
    ]);

  const runDir = path.resolve(values['out-dir'] ?? path.join(reportsDir, runFolderName('demo', new Date())));
  // Default ports held by another program (a Supabase CLI stack, another checkout) are swapped for free ones.
  const stack = await chooseStackPorts(config, process.env);
  // Settings given as flags reach the phases as environment, their next-highest source.
  // The load reads the manifest the seed phase writes into this state folder (K6_MANIFEST wins when set).
  const manifest = { K6_MANIFEST: process.env.K6_MANIFEST ?? path.join(config.stateDir, 'manifest-latest.json') };
  const env = { ...process.env, ...flagsAsEnv(values), ...stack.env, ...manifest, K6_PROFILE_DURATION: duration };
  const run = createPhaseRunner({ logDir: path.join(runDir, 'logs'), env, say });

  say(`demo: report folder ${path.relative(config.repoRoot, runDir)}`);
  // The second line says where the stack lives: its ports, and its state folder when not <checkout>/.kit.
  say(
    `demo: ${stack.sentence}${config.stateDirMoved ? `; state folder ${config.stateDir}: ${config.stateDirMoved}` : ''}`,
  );
  recordStackPorts(path.join(runDir, 'demo.json'), stack);
  try {
    await run({ name: 'setup', script: 'setup.ts', args: [] });
    await run({ name: 'stack up', script: 'stack.ts', args: ['up'] });
    // A seed fixes ids and e-mails, so an earlier demo with the same seed is removed first (only the
    // kit's own runs are listed; nothing else in the database is touched).
    // The seed's outcomes are read from its --result-file, not from its printed lines (those are for people).
    const runsFile = path.join(runDir, 'logs', 'seed-runs.json');
    await run({
      name: 'earlier runs of this seed',
      script: 'seed.ts',
      args: ['--list', '--target', 'local', '--result-file', runsFile],
    });
    const ours = [seed, capacitySeed(seed)];
    for (const earlier of readSeedResult(runsFile, 'runs').runs.filter((r) => ours.includes(r.seed))) {
      await run({
        name: `clean earlier run ${earlier.runId}`,
        script: 'seed.ts',
        args: ['--clean', earlier.runId, '--target', 'local'],
      });
    }
    const seedFile = path.join(runDir, 'logs', 'seed.json');
    await run({
      name: `seed (scale ${scale}, seed ${seed})`,
      script: 'seed.ts',
      args: ['--scale', scale, '--seed', seed, '--target', 'local', '--result-file', seedFile],
    });
    const seedRun = readSeedResult(seedFile, 'seeded').runId;
    // On a copy of the database, so the load runs below see the stack as deployed.
    await run({
      name: 'rollback drill',
      script: 'rollback-drill.ts',
      args: ['--out-dir', path.join(runDir, 'rollback-drill')],
    });
    await runLoadPhases(run, runDir);
    let capacity: string | undefined;
    if (values.capacity) {
      const capacityFile = path.join(runDir, 'logs', 'seed-capacity.json');
      await run({
        name: `seed for the capacity load (scale ${scale}, seed ${capacitySeed(seed)})`,
        script: 'seed.ts',
        args: ['--scale', scale, '--seed', capacitySeed(seed), '--target', 'local', '--result-file', capacityFile],
      });
      const manifest = readSeedResult(capacityFile, 'seeded').manifest;
      capacity = await runCapacityPhase(run, runDir, { maxRate: undefined, manifest });
    }
    const verified = await run({
      name: 'verify',
      script: 'verify.ts',
      args: [
        '--run',
        path.join(runDir, 'peak'),
        '--baseline',
        path.join(runDir, 'baseline'),
        '--seed-run',
        seedRun,
        ...(capacity ? ['--capacity', capacity] : []),
        '--out',
        runDir,
        '--prove-fixes',
      ],
      okCodes: verdictCodes,
    });
    if (path.dirname(runDir) === reportsDir) linkLatest(runDir);
    const verdict = /^verdict:\s+(.+)$/m.exec(verified.output)?.[1] ?? 'unknown';
    say('');
    say(`verdict: ${verdict}`);
    say(`report:  ${path.join(runDir, 'index.html')}`);
    if (path.dirname(runDir) === reportsDir) say(`         (also reports/latest/index.html)`);
    return verified.code;
  } catch (error) {
    if (error instanceof PhaseFailed) await explainStack(stack.config, stack.stackSettings, error.phase);
    throw error;
  }
});

function flagsAsEnv(values: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const setting of describeSettings()) {
    const value = values[setting.flag];
    if (typeof value === 'string') env[setting.name] = value;
  }
  return env;
}

function linkLatest(runDir: string): void {
  const latest = path.join(reportsDir, 'latest');
  rmSync(latest, { recursive: true, force: true }); // also a dangling link: rm works on the link itself
  symlinkSync(path.basename(runDir), latest);
}

/** After a failed phase, say what state the stack is in, so `stack status` holds no surprise. */
async function explainStack(config: ReturnType<typeof loadConfig>, settings: string, phase: string): Promise<void> {
  try {
    const db = await databaseStatus(config);
    // A start that failed never had a running database to stop: "not running", not "stopped".
    const state = db.running ? 'running' : phase === 'stack up' ? 'not started' : 'not running';
    process.stderr.write(
      `stack: database ${state} at ${db.where}; \`${settings}npm run stack -- status\` shows the rest, \`npm run stack -- down\` stops it\n`,
    );
  } catch {
    process.stderr.write(`stack: state unknown; run \`${settings}npm run stack -- status\`\n`);
  }
}
