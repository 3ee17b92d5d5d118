/**
 * `node --import tsx distribute/watch-database.ts DIR`: what `npm run load` does around its engine,
 * for a run the kit does not start itself (collect.sh around a k6-operator TestRun): resets the
 * database's statistics, samples its connections until SIGTERM or SIGINT, then writes
 * db-samples.json, db-statements.json and db-tables.json to DIR for verify's database gates.
 * Flags and exit codes: `processes.watchDatabase` in lib/commands.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { processes } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { databaseTarget } from '../stack/database.ts';
import { watchDatabase } from '../verify/sampler.ts';
import { WATCH_READY_FILE } from './collect-script.ts';

const log = (line: string) => process.stderr.write(`watch-database: ${line}\n`);

await runCommand(async () => {
  const { values, positionals } = parseCommand(processes.watchDatabase, process.argv.slice(2));
  if (positionals.length !== 1)
    throw new UsageError(`watch-database: expected one folder, received ${positionals.length}`, [
      usage(processes.watchDatabase),
    ]);
  const dir = path.resolve(positionals[0]!);
  mkdirSync(dir, { recursive: true });
  const config = loadConfig({ flags: values });
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve).once('SIGINT', resolve);
  });
  const watch = await watchDatabase(databaseTarget(config).url, dir);
  writeFileSync(path.join(dir, WATCH_READY_FILE), '');
  log(watch.reset ? 'statistics reset; sampling connections until stopped' : 'statistics not reset (see below)');
  await stopped;
  const result = await watch.stop();
  rmSync(path.join(dir, WATCH_READY_FILE), { force: true });
  log(result.file ? `written to ${dir}` : (result.problem ?? 'nothing written'));
  return ExitCode.ok;
});
