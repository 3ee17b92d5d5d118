/**
 * `npm run signoff -- --target staging`: the demo's sequence against a configured staging project:
 * seed (confirmed for that project), baseline and peak load, verify with the baseline comparison.
 * Refuses to start while any required setting is missing, naming them all at once (exit 2), and
 * while the project, the app API or the database cannot be reached (exit 3).
 * Flags: `commands.signoff` in lib/commands.ts (`--help`).
 */
import path from 'node:path';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { type KitConfig, loadConfig } from '../lib/config.ts';
import { EnvironmentError, UsageError, verdictCodes } from '../lib/errors.ts';
import { reportsDir } from '../lib/paths.ts';
import { withClient } from '../lib/pg/connect.ts';
import { capacitySeed, createPhaseRunner, runCapacityPhase, runLoadPhases } from '../lib/phases.ts';
import { KEY_SETTINGS, projectApiKeys } from '../lib/project-keys.ts';
import { runFolderName } from '../scenarios/lib/load-metadata.ts';
import { readSeedResult } from '../seed/result-file.ts';
import { cleanCommand } from '../seed/target.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** What a staging sign-off needs, with what each is for. */
function missingSettings(
  config: KitConfig,
  env: NodeJS.ProcessEnv,
  capacity: { wanted: boolean; maxRate: string | undefined },
): string[] {
  const missing: string[] = [];
  const need = (present: unknown, line: string) => {
    if (present === undefined || present === '') missing.push(line);
  };
  need(config.supabase.url, 'SUPABASE_URL (--supabase-url): the staging project, https://<ref>.supabase.co');
  const keys = projectApiKeys(config.supabase);
  need(keys.anonKey, `${KEY_SETTINGS.anon}: its publishable key, for the Data API journeys`);
  need(keys.serviceRoleKey, `${KEY_SETTINGS.serviceRole}: creates the seed users through the Auth admin API`);
  need(
    config.supabase.stagingRef,
    'KIT_STAGING_PROJECT_REF (--confirm-target): the project ref, confirming the kit may write to it',
  );
  need(
    config.databaseUrl,
    'DATABASE_URL (--database-url): a direct connection to the staging database (seed COPY, database gates)',
  );
  need(
    config.appUrl ?? env.K6_API_URL,
    'KIT_APP_URL (--app-url): base URL of the staging app API (the Aclue backend; routes under /api/v1)',
  );
  if (capacity.wanted)
    need(
      capacity.maxRate,
      '--max-rate N: with --capacity, the highest multiple of the baseline the staging project may be driven to',
    );
  return missing;
}

async function reachable(url: string, setting: string): Promise<void> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new EnvironmentError(
      `${setting}: ${url} cannot be reached (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`,
      ['Check the URL and that this machine can reach it.'],
    );
  }
}

await runCommand(async () => {
  const { values } = parseCommand(commands.signoff, process.argv.slice(2));
  if (values.target !== 'staging') {
    throw new UsageError(`--target: expected staging, received ${JSON.stringify(values.target ?? '(none)')}`, [
      usage(commands.signoff),
      'For the local stack use `npm run demo`.',
    ]);
  }
  const config = loadConfig({ flags: values });
  const missing = missingSettings(config, process.env, {
    wanted: values.capacity === true,
    maxRate: values['max-rate'],
  });
  if (values['max-rate'] !== undefined && !values.capacity)
    throw new UsageError('signoff: --max-rate applies to the capacity run only; add --capacity', [
      usage(commands.signoff),
    ]);
  if (missing.length > 0) {
    throw new UsageError(
      `signoff: ${missing.length} required setting${missing.length === 1 ? ' is' : 's are'} missing:\n  ${missing.join('\n  ')}`,
      ['Set them in .env, the environment or as flags (.env.example documents each), then run again.'],
    );
  }
  const supabaseUrl = config.supabase.url as string;
  const staging = { kind: 'staging', supabaseUrl } as const;
  const apiUrl = (config.appUrl ?? process.env.K6_API_URL) as string;
  await reachable(`${supabaseUrl.replace(/\/$/, '')}/auth/v1/health`, 'SUPABASE_URL');
  await reachable(`${apiUrl.replace(/\/$/, '')}/api/v1/health`, 'KIT_APP_URL');
  await withClient(config.databaseUrl as string, 'DATABASE_URL', async (client) => client.query('select 1'));

  const runDir = path.join(reportsDir, runFolderName('signoff', new Date()));
  // The target, declared once, reaches every phase whether it came as flags, environment or .env.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KIT_APP_URL: apiUrl,
    SUPABASE_URL: supabaseUrl,
    SUPABASE_ANON_KEY: config.supabase.anonKey as string,
    SUPABASE_SERVICE_ROLE_KEY: config.supabase.serviceRoleKey as string,
    KIT_STAGING_PROJECT_REF: config.supabase.stagingRef as string,
    DATABASE_URL: config.databaseUrl as string,
    K6_API_URL: process.env.K6_API_URL ?? apiUrl,
    K6_SUPABASE_URL: process.env.K6_SUPABASE_URL ?? supabaseUrl,
    K6_ANON_KEY: process.env.K6_ANON_KEY ?? (projectApiKeys(config.supabase).anonKey as string),
    // --engine (or KIT_LOAD_ENGINE) reaches the load phases
    KIT_LOAD_ENGINE: config.loadEngine,
  };
  const run = createPhaseRunner({ logDir: path.join(runDir, 'logs'), env, say });
  const seedArgs = [
    '--target',
    'staging',
    '--confirm-target',
    config.supabase.stagingRef as string,
    '--scale',
    values.scale,
    '--seed',
    values.seed,
  ];
  const seeded = await run({ name: 'seed (staging)', script: 'seed.ts', args: seedArgs });
  const seedRun = /^run id:\s+(\S+)/m.exec(seeded.output)?.[1];
  const manifest = /^manifest:\s+(\S+)/m.exec(seeded.output)?.[1];
  if (manifest) env.K6_MANIFEST = manifest;
  await run({
    name: 'rollback drill (in a rolled-back transaction)',
    script: 'rollback-drill.ts',
    args: ['--mode', 'transaction', '--out-dir', path.join(runDir, 'rollback-drill')],
  });
  await runLoadPhases(run, runDir);
  let capacity: { dir: string; seedRun: string } | undefined;
  if (values.capacity) {
    // Its own users: the capacity load's writes must not reach the users whose preferences verify judges.
    const file = path.join(runDir, 'logs', 'seed-capacity.json');
    const capacityArgs = seedArgs.map((a, i) => (seedArgs[i - 1] === '--seed' ? capacitySeed(a) : a));
    await run({
      name: 'seed for the capacity load (staging)',
      script: 'seed.ts',
      args: [...capacityArgs, '--result-file', file],
    });
    const seeded = readSeedResult(file, 'seeded');
    capacity = {
      dir: await runCapacityPhase(run, runDir, { maxRate: values['max-rate'], manifest: seeded.manifest }),
      seedRun: seeded.runId,
    };
  }
  const verified = await run({
    name: 'verify',
    script: 'verify.ts',
    args: [
      '--run',
      path.join(runDir, 'peak'),
      '--baseline',
      path.join(runDir, 'baseline'),
      ...(seedRun ? ['--seed-run', seedRun] : []),
      ...(capacity ? ['--capacity', capacity.dir] : []),
      '--out',
      runDir,
    ],
    okCodes: verdictCodes,
  });
  say('');
  say(/^verdict:.*$/m.exec(verified.output)?.[0] ?? 'verdict: unknown');
  say(`report:  ${path.join(runDir, 'index.html')}`);
  say(`Remove the seeded rows when done: ${cleanCommand(staging, seedRun ?? '<run id>')}`);
  if (capacity) say(`and the capacity load's: ${cleanCommand(staging, capacity.seedRun)}`);
  return verified.code;
});
