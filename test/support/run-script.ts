import path from 'node:path';
import { type ExecResult, exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';

/** Node 24 from the repo's pinned `node` package, with tsx as loader: how npm scripts run the kit. */
export const nodeBin = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');

/** Runs one of the kit's command scripts as a user would, with exactly the given environment. */
export function runScript(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
  onStdout?: (soFar: string) => void,
): Promise<ExecResult> {
  return exec(nodeBin, ['--import', 'tsx', path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env,
    timeoutMs,
    ...(onStdout ? { onStdout } : {}),
  });
}
