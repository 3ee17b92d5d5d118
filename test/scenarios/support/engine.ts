/**
 * The kit's load engine for the scenario tests, run as `npm run load` runs it (engine/cli.ts with
 * k6's command line) in the repo root with exactly the environment given, so a developer's own K6_*
 * variables never leak into a test.
 */
import path from 'node:path';
import { processes } from '../../../lib/commands.ts';
import { type ExecResult, exec } from '../../../lib/exec.ts';
import { repoRoot } from '../../../lib/paths.ts';
import { nodeBin } from '../../support/run-script.ts';

export function runEngineCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<ExecResult> {
  return exec(
    nodeBin,
    [...processes.engine.node, '--import', 'tsx', path.join(repoRoot, 'engine', 'cli.ts'), ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
      timeoutMs,
    },
  );
}
