/**
 * The rollback drill's scratch mode (local stack only): copies the stack's database, commits the
 * documented rollback in the copy, serves the copy with a temporary PostgREST and server on free
 * ports, runs the smoke profile against it, and drops the copy. The stack's own database is never
 * changed; copying it briefly closes the connections PostgREST and the server hold to it (they
 * reconnect by themselves).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { KitConfig } from '../lib/config.ts';
import { UsageError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { repoRoot } from '../lib/paths.ts';
import { withClient } from '../lib/pg/connect.ts';
import { probeRlsMatrix } from '../lib/pg/rls-probe.ts';
import { freePort } from '../lib/ports.ts';
import { allChecks, type SummaryData, thresholdResults } from '../scenarios/lib/summary-text.ts';
import { localDatabaseUrl } from '../stack/cluster.ts';
import { apiUrl, postgrestDown, postgrestUp, serverDown, serverUp } from '../stack/lifecycle.ts';
import { applyStatements, changedCells, type DrillResult, type SmokeResult, type StatementResult } from './rollback.ts';

const SCRATCH = 'kit_rollback_drill';

export async function drillOnScratchCopy(
  config: KitConfig,
  statements: readonly string[],
  runDir: string,
  log: (line: string) => void,
): Promise<
  Pick<DrillResult, 'statements' | 'deviationsBefore' | 'deviationsAfter' | 'changedByRollback' | 'smoke' | 'restored'>
> {
  if (config.databaseUrl) {
    throw new UsageError("--mode scratch copies the kit's own database; with DATABASE_URL use --mode transaction", [
      'Transaction mode applies the rollback inside a transaction that is rolled back: safe on staging.',
    ]);
  }
  const adminUrl = localDatabaseUrl(config, 'template1');
  const scratchUrl = localDatabaseUrl(config, SCRATCH);
  await copyDatabase(adminUrl, 'postgres', SCRATCH);
  log(`copied the stack's database into ${SCRATCH}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-drill-'));
  const scratchConfig: KitConfig = {
    ...config,
    stateDir: tmp,
    databaseUrl: scratchUrl,
    api: { port: await freePort() },
    postgrest: { port: await freePort() },
  };
  const scratchPool = new pg.Pool({ connectionString: scratchUrl, max: 2 });
  try {
    const before = await probeRlsMatrix(scratchPool);
    // The same savepoint per statement as transaction mode, then committed: the copy keeps what ran.
    const client = await scratchPool.connect();
    let applied: StatementResult[];
    try {
      await client.query('begin');
      applied = await applyStatements(client, statements);
      await client.query('commit');
    } finally {
      client.release();
    }
    await scratchPool.query(`notify pgrst, 'reload schema'`);
    const after = await probeRlsMatrix(scratchPool);
    log(
      `rollback committed in the copy (${applied.filter((s) => s.ok).length} of ${applied.length} statements ran); serving it on ${apiUrl(scratchConfig)}`,
    );
    await postgrestUp(scratchConfig, () => undefined);
    await serverUp(scratchConfig, () => undefined);
    const smoke = await smokeAgainst(config, scratchConfig, scratchUrl, runDir, log);
    const deviates = (c: { actual: string; expected: string }) => c.actual !== c.expected;
    return {
      statements: applied,
      deviationsBefore: before.filter(deviates),
      deviationsAfter: after.filter(deviates),
      changedByRollback: changedCells(before, after),
      smoke,
      restored: true,
    };
  } finally {
    await scratchPool.end().catch(() => undefined);
    await serverDown(scratchConfig, () => undefined).catch(() => undefined);
    await postgrestDown(scratchConfig, () => undefined).catch(() => undefined);
    await withClient(adminUrl, 'KIT_PG_PORT', (c) => c.query(`drop database if exists ${SCRATCH} with (force)`));
    rmSync(tmp, { recursive: true, force: true });
    log(`dropped ${SCRATCH}; the stack's database was not changed`);
  }
}

/** CREATE DATABASE … TEMPLATE needs the source to have no sessions; the stack's pools reconnect. */
export async function copyDatabase(adminUrl: string, source: string, target: string): Promise<void> {
  await withClient(adminUrl, 'KIT_PG_PORT', async (client) => {
    await client.query(`drop database if exists ${target} with (force)`);
    for (let attempt = 1; ; attempt++) {
      await client.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [source],
      );
      try {
        await client.query(`create database ${target} template ${source}`);
        return;
      } catch (error) {
        if (attempt >= 10 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
}

/** The seed manifest, pointed at the scratch server so k6's setup() accepts it. */
function manifestFor(config: KitConfig, url: string, dir: string): string {
  const latest = path.join(config.stateDir, 'manifest-latest.json');
  if (!existsSync(latest))
    throw new UsageError(`the rollback drill's smoke run needs a seeded stack: ${latest} does not exist`, [
      'Run `npm run seed` first.',
    ]);
  const manifest = JSON.parse(readFileSync(latest, 'utf8')) as { target: Record<string, unknown> };
  manifest.target = { ...manifest.target, apiUrl: url, supabaseUrl: url };
  const file = path.join(dir, 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  return file;
}

async function smokeAgainst(
  config: KitConfig,
  scratch: KitConfig,
  scratchUrl: string,
  runDir: string,
  log: (line: string) => void,
): Promise<SmokeResult> {
  const dir = path.join(runDir, 'smoke');
  const url = apiUrl(scratch);
  const manifest = manifestFor(config, url, scratch.stateDir);
  log('smoke profile against the rolled-back copy …');
  const out = await exec(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'scripts', 'load.ts'), 'smoke', '--out-dir', dir],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        K6_API_URL: url,
        K6_SUPABASE_URL: url,
        K6_MANIFEST: manifest,
        K6_PROFILE_DURATION: '10s',
        DATABASE_URL: scratchUrl,
      },
      timeoutMs: 300_000,
    },
  );
  writeFileSync(path.join(runDir, 'smoke.log'), out.stdout + out.stderr);
  const summaryFile = path.join(dir, 'k6-summary.json');
  if (!existsSync(summaryFile)) {
    return {
      exitCode: out.code,
      checksPassed: 0,
      checksFailed: 0,
      failedChecks: [`no k6 summary: ${out.stderr.trim().split('\n').slice(-2).join(' | ')}`],
      failedThresholds: [],
      runDir: dir,
    };
  }
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as SummaryData;
  const checks = allChecks(summary.root_group);
  return {
    exitCode: out.code,
    checksPassed: checks.reduce((n, c) => n + c.passes, 0),
    checksFailed: checks.reduce((n, c) => n + c.fails, 0),
    failedChecks: checks
      .filter((c) => c.fails > 0)
      .map((c) => `${c.name} (${c.fails} of ${c.passes + c.fails} failed)`),
    failedThresholds: thresholdResults(summary)
      .filter((t) => !t.ok)
      .map((t) => `${t.metric}: ${t.expression}`),
    runDir: dir,
  };
}
