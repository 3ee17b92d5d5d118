/**
 * `npm run stack -- up|down|status|reset`: the local stack.
 * Exit codes: 0 done (status: everything runs), 2 usage or configuration, 3 environment (a part is
 * down, a port is taken, binaries are missing).
 */
import { loadConfig, settingFlags } from '../lib/config.ts';
import { parseFlags, runCommand } from '../lib/cli.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { databaseDown, databaseReset, databaseStatus, databaseUp } from '../stack/database.ts';

const USAGE = 'usage: npm run stack -- up|down|status|reset [--pg-port N] [--state-dir DIR] [--database-url URL]';
const log = (line: string) => process.stdout.write(`${line}\n`);

await runCommand(async () => {
  const { values, positionals } = parseFlags(process.argv.slice(2), { ...settingFlags, help: { type: 'boolean' } }, 'stack');
  if (values.help) {
    log(USAGE);
    return ExitCode.ok;
  }
  const [action, ...extra] = positionals;
  if (!action || extra.length > 0 || !['up', 'down', 'status', 'reset'].includes(action)) {
    throw new UsageError(`stack: expected one action of up, down, status, reset; received ${JSON.stringify(positionals.join(' ') || '(none)')}`, [USAGE]);
  }
  const config = loadConfig({ flags: values });
  switch (action) {
    case 'up': {
      const up = await databaseUp(config, log);
      if (up.applied.length === 0) log('migrations: up to date');
      return printStatus(config);
    }
    case 'down':
      await databaseDown(config, log);
      return ExitCode.ok;
    case 'reset':
      await databaseReset(config, log);
      return printStatus(config);
    default:
      return printStatus(config);
  }
});

async function printStatus(config: ReturnType<typeof loadConfig>): Promise<number> {
  const db = await databaseStatus(config);
  log(`database:   ${db.running ? 'running' : 'stopped'}  ${db.where}${db.serverVersion ? `  (PostgreSQL ${db.serverVersion})` : ''}`);
  if (db.dataDir) log(`data dir:   ${db.dataDir}`);
  if (db.running) {
    const applied = db.migrations.filter((m) => m.appliedAt);
    log(`migrations: ${applied.length} of ${db.migrations.length} applied`);
    for (const m of db.migrations) log(`  ${m.appliedAt ? 'applied' : 'pending'}  ${m.name}`);
  }
  return db.running ? ExitCode.ok : ExitCode.environment;
}
