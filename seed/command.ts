/**
 * What `npm run seed` does for a target with a database URL, end to end: the run (rows, truth and
 * Auth accounts), sign-ins when the target's token keys are unknown, the k6 manifest, and on the local
 * stack the sessions the manifest's pre-minted tokens name. `npm run bench -- seed` calls this same
 * function, so the benchmark measures what users run.
 *
 * All or nothing: the run is marked complete only once its manifest is written. A seed that stops
 * before (sign-in refused, network gone, process killed) leaves the run incomplete, and the same
 * command run again finishes it when its rows are all written, or cleans it and starts again.
 */
import type pg from 'pg';
import { EnvironmentError, KitError } from '../lib/errors.ts';
import { withClient } from '../lib/pg/connect.ts';
import { noProgress } from '../lib/progress.ts';
import { AdminApiAuth, SqlAuth } from './auth.ts';
import { cleanRun, type RunRow } from './clean.ts';
import { type ManifestPaths, TOKEN_TTL_SECONDS, writeManifest } from './manifest.ts';
import { markRunComplete, planSeed, runSeed, type SeedOptions, type SeedResult, writtenWorld } from './run.ts';
import { signInTokens } from './sign-in.ts';
import { cleanCommand, type SeedTarget } from './target.ts';
import { recordRunTokenSessions } from './token-sessions.ts';

export interface SeedCommandResult {
  readonly result: SeedResult;
  readonly manifest: ManifestPaths;
  /** The whole command: run, sign-ins, manifest, token sessions. */
  readonly wallMs: number;
  /** True when an earlier, unfinished seed of the same run had written its rows and this one finished it. */
  readonly resumed: boolean;
}

type Options = SeedOptions & { readonly repoRoot: string; readonly stateDir: string; readonly signIn: number };

export async function seedCommand(options: Options): Promise<SeedCommandResult> {
  const started = performance.now();
  const { target } = options;
  const out = options.log ?? (() => undefined);
  const db = (fn: (client: pg.Client) => Promise<unknown>) =>
    withClient(target.databaseUrl!, target.databaseSetting, fn);
  const plan = planSeed(options);
  const earlier = await earlierRun(target, plan.params.seed);
  let result: SeedResult;
  let resumed = false;
  if (earlier?.status !== 'complete' && earlier?.run_id === plan.runId && rowsWritten(earlier)) {
    out(`run ${plan.runId}: its rows were written by a seed that did not finish; finishing it`);
    const world = await withClient(target.databaseUrl!, target.databaseSetting, (c) => writtenWorld(c, plan.params));
    result = resumedResult(plan, earlier, world);
    resumed = true;
  } else {
    if (earlier !== undefined && earlier.status !== 'complete') {
      out(
        `run ${earlier.run_id} of seed "${earlier.seed}" did not finish (${earlier.status}); removing it and starting again`,
      );
      await db(async (client) => {
        const auth = authOf(client, target, earlier);
        if (auth instanceof AdminApiAuth) await auth.check();
        return cleanRun(client, earlier.run_id, auth, out);
      });
    }
    result = await runSeed({ ...options, deferComplete: true });
  }
  try {
    const signedIn = target.tokenSigner ? undefined : await signInTokens(target, result.world, options.signIn, out);
    const manifestStarted = performance.now();
    const manifest = await writeManifest(
      options.repoRoot,
      options.stateDir,
      result.runId,
      result.world,
      target,
      signedIn,
    );
    if (target.kind === 'local' && target.tokenSigner && target.databaseUrl) {
      // The local Auth face is the kit's own: record the sessions the minted tokens name.
      await db((client) =>
        recordRunTokenSessions(client, result.runId, new Date(Date.now() + TOKEN_TTL_SECONDS * 1000)),
      );
    }
    await db((client) => markRunComplete(client, result.runId));
    (options.progress ?? noProgress).line(
      `  manifest    ${((performance.now() - manifestStarted) / 1000).toFixed(1)} s`,
    );
    return { result, manifest, wallMs: performance.now() - started, resumed };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    await db((client) =>
      client.query(`update kit_truth.runs set status = 'failed', error = $2 where run_id = $1`, [
        result.runId,
        why.slice(0, 2000),
      ]),
    ).catch(() => undefined);
    throw new EnvironmentError(`seed run ${result.runId} is incomplete (its rows are written; ${why})`, [
      `Run the same command again to finish it, or remove it: ${cleanCommand(target, result.runId)}`,
      ...(error instanceof KitError ? error.hints : []),
    ]);
  }
}

/** The run of this seed already in the database, if any. */
async function earlierRun(target: SeedTarget, seed: string): Promise<RunRow | undefined> {
  return withClient(target.databaseUrl!, target.databaseSetting, async (client) => {
    const ready = await client.query<{ ok: boolean }>(`select to_regclass('kit_truth.runs') is not null as ok`);
    if (!ready.rows[0]?.ok) return undefined; // runSeed says what to do
    const r = await client.query<RunRow>(
      'select run_id, seed, status, target, started_at, finished_at, params, row_counts from kit_truth.runs where seed = $1',
      [seed],
    );
    return r.rows[0];
  });
}

/** Every batch committed: the seed records its row counts once the last one is written. */
function rowsWritten(run: RunRow): boolean {
  return Object.keys(run.row_counts ?? {}).length > 0;
}

/** The Auth writer that made the run's accounts removes them. */
function authOf(client: pg.Client, target: SeedTarget, run: RunRow) {
  return run.params['authWriter'] === 'admin-api'
    ? new AdminApiAuth(target.supabaseUrl, target.serviceRoleKey)
    : new SqlAuth(client);
}

function resumedResult(plan: ReturnType<typeof planSeed>, run: RunRow, world: SeedResult['world']): SeedResult {
  return {
    ...plan,
    rows: new Map(Object.entries(run.row_counts).sort()),
    copyMs: new Map(),
    totalMs: 0,
    authMs: 0,
    authWriter: run.params['authWriter'] === 'admin-api' ? 'admin-api' : 'sql',
    authRetries: 0,
    loadMs: 0,
    generateMs: 0,
    world,
  };
}
