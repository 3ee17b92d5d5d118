/**
 * `npm run setup`: finds (or builds) what the kit needs outside npm and says where it is.
 * Idempotent; `npm test` and `npm run demo` call it first. Exit 3 when something cannot be had.
 */
import { loadConfig, settingFlags } from '../lib/config.ts';
import { parseFlags, runCommand } from '../lib/cli.ts';
import { findOrBuildK6 } from '../lib/k6-binary.ts';
import { findPostgres } from '../stack/postgres-binaries.ts';

await runCommand(async () => {
  const { values } = parseFlags(process.argv.slice(2), { ...settingFlags, quiet: { type: 'boolean' } }, 'setup');
  const config = loadConfig({ flags: values });
  const say = (line: string) => {
    if (!values.quiet) process.stdout.write(`${line}\n`);
  };
  const pg = await findPostgres(config.pg.bindir);
  say(`PostgreSQL ${pg.version}: ${pg.bindir} (found via ${pg.how})`);
  const k6 = await findOrBuildK6({ configured: config.k6Bin, cacheDir: config.cacheDir, log: (l) => process.stdout.write(`${l}\n`) });
  say(`k6 ${k6.version}: ${k6.path} (${k6.how})`);
  say(`node ${process.version}: ${process.execPath}`);
});
