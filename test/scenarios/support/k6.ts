/**
 * Real k6 for the scenario tests: the binary `npm run setup` provides, run in the repo root with
 * exactly the environment given (so a developer's own K6_* variables never leak into a test).
 */
import { exec, type ExecResult } from '../../../lib/exec.ts';
import { findOrBuildK6 } from '../../../lib/k6-binary.ts';
import { loadConfig } from '../../../lib/config.ts';
import { repoRoot } from '../../../lib/paths.ts';

let binary: Promise<string> | undefined;

export function k6Binary(): Promise<string> {
  binary ??= (async () => {
    const config = loadConfig();
    return (await findOrBuildK6({ configured: config.k6Bin, cacheDir: config.cacheDir, log: () => undefined })).path;
  })();
  return binary;
}

export async function runK6(args: readonly string[], env: Record<string, string>, timeoutMs = 90_000): Promise<ExecResult> {
  const bin = await k6Binary();
  return exec(bin, args, { cwd: repoRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }, timeoutMs });
}
