/**
 * What `npm run seed` does for a target with a database URL, end to end: the run (rows, truth and
 * Auth accounts), sign-ins when the target's token keys are unknown, the k6 manifest, and on the local
 * stack the sessions the manifest's pre-minted tokens name. `npm run bench -- seed` calls this same
 * function, so the benchmark measures what users run.
 */
import { withClient } from '../lib/pg/connect.ts';
import { noProgress } from '../lib/progress.ts';
import { type ManifestPaths, TOKEN_TTL_SECONDS, writeManifest } from './manifest.ts';
import { runSeed, type SeedOptions, type SeedResult } from './run.ts';
import { signInTokens } from './sign-in.ts';
import { recordRunTokenSessions } from './token-sessions.ts';

export interface SeedCommandResult {
  readonly result: SeedResult;
  readonly manifest: ManifestPaths;
  /** The whole command: run, sign-ins, manifest, token sessions. */
  readonly wallMs: number;
}

export async function seedCommand(
  options: SeedOptions & { readonly repoRoot: string; readonly stateDir: string; readonly signIn: number },
): Promise<SeedCommandResult> {
  const started = performance.now();
  const { target } = options;
  const out = options.log ?? (() => undefined);
  const result = await runSeed(options);
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
    await withClient(target.databaseUrl, target.databaseSetting, (client) =>
      recordRunTokenSessions(client, result.runId, new Date(Date.now() + TOKEN_TTL_SECONDS * 1000)),
    );
  }
  (options.progress ?? noProgress).line(`  manifest    ${((performance.now() - manifestStarted) / 1000).toFixed(1)} s`);
  return { result, manifest, wallMs: performance.now() - started };
}
