/**
 * The user's own k6 for the tests that need a real one: found through K6_BIN or PATH, never built
 * or fetched. Where there is none, those tests are skipped and say why (vitest lists the reason in
 * the test's name).
 */

import { loadConfig } from '../../../lib/config.ts';
import { type ExecResult, exec } from '../../../lib/exec.ts';
import { findK6, type K6Binary } from '../../../lib/k6-find.ts';
import { repoRoot } from '../../../lib/paths.ts';

export const realK6: K6Binary | undefined = await findK6(loadConfig().k6Bin);

/** Appended to the names of k6-only tests. */
if (!realK6)
  console.info('k6 tests skipped: no k6 on K6_BIN or PATH (the kit never installs it; install k6 to run them)');

export const k6Note = realK6 ? `(k6 v${realK6.version})` : '(skipped: no k6 on K6_BIN or PATH; install k6 to run it)';

export async function runK6(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<ExecResult> {
  if (!realK6) throw new Error('no k6 on this machine');
  return exec(realK6.path, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    timeoutMs,
  });
}
