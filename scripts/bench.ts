/**
 * `npm run bench -- [<part>]`: runs bench/<part>.ts, each a benchmark that measures against an anchor
 * in the same run (never a timed test); without a part, every one of them in turn. Parts and flags:
 * `commands.bench` and `benchParts` in lib/commands.ts (`--help`).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseCommand, runCommand, usage } from '../lib/cli.ts';
import { commands } from '../lib/commands.ts';
import { UsageError } from '../lib/errors.ts';
import { repoRoot } from '../lib/paths.ts';

await runCommand(async () => {
  const [part, ...rest] = process.argv.slice(2);
  // The part's flags are the part's to parse; only a flag in place of the part is bench's own.
  if (part?.startsWith('-')) parseCommand(commands.bench, [part]);
  const dir = path.join(repoRoot, 'bench');
  const parts = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => f.slice(0, -3))
    : [];
  if (part === undefined) {
    let worst = 0;
    for (const each of parts) {
      process.stdout.write(`\n=== npm run bench -- ${each} ===\n`);
      const module = (await import(path.join(dir, `${each}.ts`))) as {
        default: (argv: string[]) => Promise<number | void>;
      };
      worst = Math.max(worst, (await module.default([])) ?? 0);
    }
    return worst;
  }
  if (!parts.includes(part)) {
    throw new UsageError(
      `bench: expected one of ${parts.join(', ') || '(none)'}, received ${JSON.stringify(part ?? '(none)')}`,
      [usage(commands.bench)],
    );
  }
  const module = (await import(path.join(dir, `${part}.ts`))) as {
    default: (argv: string[]) => Promise<number | void>;
  };
  return module.default(rest);
});
