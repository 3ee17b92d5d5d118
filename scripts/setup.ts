/**
 * `npm run setup`: finds what the kit needs outside npm and says where it is: the PostgreSQL server
 * binaries (required) and k6 (optional: without it the kit's engine runs the load). Idempotent;
 * `npm test` and `npm run demo` call it first. Flags and exit codes: `commands.setup` in
 * lib/commands.ts (`--help`).
 */

import { parseCommand, runCommand } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { findK6, K6_INSTALL_HINT } from '../lib/k6-find.ts';
import { findPostgres } from '../stack/postgres-binaries.ts';

await runCommand(async () => {
  const { values } = parseCommand(commands.setup, process.argv.slice(2));
  const config = loadConfig({ flags: values });
  const say = (line: string) => {
    if (!values.quiet) process.stdout.write(`${line}\n`);
  };
  const pg = await findPostgres(config.pg.bindir);
  say(`PostgreSQL ${pg.version}: ${pg.bindir} (found via ${pg.how})`);
  const k6 = await findK6(config.k6Bin, say);
  say(
    k6
      ? `k6 v${k6.version} found: ${k6.path} (${k6.how}); \`--engine k6\` available, and \`k6 run scenarios/<profile>.ts\` works`
      : `k6 not found: load runs on the kit's engine; to run \`k6 run scenarios/<profile>.ts\`, ${K6_INSTALL_HINT}`,
  );
  say(`node ${process.version}: ${process.execPath}`);
});
