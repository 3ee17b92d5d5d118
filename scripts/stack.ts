/**
 * `npm run stack -- up|down|status|reset`: the local stack (database, PostgREST, API server; see
 * stack/lifecycle.ts). Flags and exit codes: `commands.stack` in lib/commands.ts (`--help`).
 */

import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { stackDown, stackReset, stackStatus, stackUp } from '../stack/lifecycle.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);

await runCommand(async () => {
  const { values, positionals } = parseCommand(commands.stack, process.argv.slice(2));
  const [action, ...extra] = positionals;
  if (!action || extra.length > 0 || !['up', 'down', 'status', 'reset'].includes(action)) {
    throw new UsageError(
      `stack: expected one action of up, down, status, reset; received ${JSON.stringify(positionals.join(' ') || '(none)')}`,
      [usage(commands.stack)],
    );
  }
  const config = loadConfig({ flags: values });
  if (config.stateDirMoved && action !== 'status') log(`state folder ${config.stateDir}: ${config.stateDirMoved}`);
  switch (action) {
    case 'up':
      await stackUp(config, log);
      return printStatus(config);
    case 'down':
      await stackDown(config, log);
      return ExitCode.ok;
    case 'reset':
      await stackReset(config, log);
      return printStatus(config);
    default:
      return printStatus(config);
  }
});

async function printStatus(config: ReturnType<typeof loadConfig>): Promise<number> {
  const { database: db, postgrest, server, keys, ok } = await stackStatus(config);
  const state = (running: boolean, healthy: boolean) =>
    !running ? 'stopped' : healthy ? 'running' : 'running, not answering';
  log(
    `database:   ${db.running ? 'running' : 'stopped'}  ${db.where}${db.serverVersion ? `  (PostgreSQL ${db.serverVersion})` : ''}`,
  );
  if (db.dataDir) log(`data dir:   ${db.dataDir}`);
  if (db.running) {
    const applied = db.migrations.filter((m) => m.appliedAt);
    log(`migrations: ${applied.length} of ${db.migrations.length} applied`);
    for (const m of db.migrations) log(`  ${m.appliedAt ? 'applied' : 'pending'}  ${m.name}`);
  }
  log(
    `postgrest:  ${state(postgrest.running, postgrest.healthy)}  ${postgrest.url}  (PostgREST ${postgrest.version})${postgrest.pid ? `  pid ${postgrest.pid}` : ''}`,
  );
  log(`            log ${postgrest.log}`);
  log(
    `api:        ${state(server.running, server.healthy)}  ${server.url}  (${server.version})${server.pid ? `  pid ${server.pid}` : ''}`,
  );
  log(`            Data API ${server.url}/rest/v1  Auth ${server.url}/auth/v1  App API ${server.url}/api/v1`);
  log(`            log ${server.log}`);
  if (keys.mode === 'new') {
    log(`publishable key:  ${keys.anonKey}`);
    log(`secret key:       ${keys.serviceRoleKey}`);
    log(`signing keys:     ${server.url}/auth/v1/.well-known/jwks.json (ES256)`);
  } else {
    log(`anon key:         ${keys.anonKey}`);
    log(`service_role key: ${keys.serviceRoleKey}`);
  }
  return ok ? ExitCode.ok : ExitCode.environment;
}
