/**
 * How the kit starts one of its own scripts as a child process, the way `npm run <name>` does: Node
 * with the command's V8 flags (its declaration in lib/commands.ts), tsx, then the script. The demo,
 * signoff and the benchmarks start scripts through this, so they measure what users run.
 */
import path from 'node:path';
import { commands } from './commands.ts';
import { repoRoot } from './paths.ts';

/**
 * `process.execPath`'s arguments for scripts/<script> (e.g. `verify.ts`) with `args`; `preload`
 * modules (a benchmark's probe) are imported after tsx, before the script.
 */
export function scriptArgv(script: string, args: readonly string[] = [], preload: readonly string[] = []): string[] {
  const name = script.replace(/\.ts$/, '');
  const declared = (commands as Readonly<Record<string, { readonly node?: readonly string[] }>>)[name];
  return [
    ...(declared?.node ?? []),
    '--import',
    'tsx',
    ...preload.flatMap((file) => ['--import', file]),
    path.join(repoRoot, 'scripts', script),
    ...args,
  ];
}
