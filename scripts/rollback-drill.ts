/**
 * `npm run rollback-drill`: the checklist's "Rollback procedures
 * tested", measured. Applies db/rollback/checklist-rollback.sql (the documented rollback) and reports
 * which statements run, what the RLS matrix looks like afterwards, and (scratch mode) whether the
 * smoke profile still passes; then restores. Default mode: scratch on the local stack, transaction
 * when DATABASE_URL points elsewhere (staging: nothing is ever committed).
 * Writes reports/rollback-drill-<time>/rollback-drill.json, which verify's rollback-drill gate reads.
 * Flags and exit codes: `commands['rollback-drill']` in lib/commands.ts (`--help`).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { type DrillResult, drillInTransaction, MANUAL_STEPS, readRollbackStatements } from '../drill/rollback.ts';
import { drillOnScratchCopy } from '../drill/scratch.ts';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { loadConfig } from '../lib/config.ts';
import { ExitCode, UsageError } from '../lib/errors.ts';
import { reportsDir } from '../lib/paths.ts';
import { redactUrl, withClient } from '../lib/pg/connect.ts';
import { databaseIdentity, targetUrls } from '../lib/target-identity.ts';
import { runFolderName } from '../scenarios/lib/load-metadata.ts';
import { databaseTarget } from '../stack/database.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

await runCommand(async () => {
  const { values } = parseCommand(commands['rollback-drill'], process.argv.slice(2));
  const config = loadConfig({ flags: values });
  const mode = values.mode ?? (config.databaseUrl ? 'transaction' : 'scratch');
  if (mode !== 'scratch' && mode !== 'transaction')
    throw new UsageError(`--mode: expected scratch or transaction, received ${JSON.stringify(mode)}`, [
      usage(commands['rollback-drill']),
    ]);
  const target = databaseTarget(config);
  // Unreachable: exit 3 before anything. The identity makes the drill evidence of this target only.
  const database = await withClient(target.url, target.setting, (c) => databaseIdentity(c, target.url));
  const urls = targetUrls(config);
  const statements = readRollbackStatements();
  const startedAt = new Date();
  const runDir = path.resolve(values['out-dir'] ?? path.join(reportsDir, runFolderName('rollback-drill', startedAt)));
  mkdirSync(runDir, { recursive: true });
  say(`rollback drill (${mode}) on ${redactUrl(target.url)}: ${statements.length} documented statements`);

  let outcome: Awaited<ReturnType<typeof drillInTransaction>> & Partial<Pick<DrillResult, 'smoke'>>;
  if (mode === 'transaction') {
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    try {
      outcome = await drillInTransaction(pool, statements);
    } finally {
      await pool.end();
    }
  } else {
    outcome = await drillOnScratchCopy(config, statements, runDir, say);
  }
  const result: DrillResult = {
    version: 1,
    mode,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    target: redactUrl(target.url),
    targetIdentity: { appUrl: urls.appUrl ?? null, supabaseUrl: urls.supabaseUrl, database },
    manualSteps: MANUAL_STEPS,
    ...outcome,
  };
  const file = path.join(runDir, 'rollback-drill.json');
  writeFileSync(`${file}.partial`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${file}.partial`, file);

  for (const s of result.statements)
    say(`  ${s.ok ? 'ran   ' : 'FAILED'}  ${s.sql}${s.error ? `\n          ${s.error}` : ''}`);
  say(
    `RLS matrix: ${result.deviationsBefore.length} cells off before, ${result.deviationsAfter.length} after; changed by the rollback: ${result.changedByRollback.length}`,
  );
  for (const c of result.changedByRollback.slice(0, 12))
    say(`  ${c.table} ${c.op} as ${c.actor}: expected ${c.expected}, now ${c.actual}`);
  if (result.smoke)
    say(
      `smoke on the rolled-back copy: k6 exit ${result.smoke.exitCode}, checks ${result.smoke.checksPassed} passed / ${result.smoke.checksFailed} failed`,
    );
  say(`restored: ${result.restored ? "yes (the stack's database was never changed)" : 'NO'}`);
  say(`written: ${file}`);
  return ExitCode.ok;
});
