import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ExitCode, KitError, UsageError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses argv strictly: an unknown flag or a missing value is a usage error naming the flag,
 * instead of node's own exception text.
 */
export function parseFlags<O extends Options>(argv: readonly string[], options: O, command: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${message.replace(/\. To specify a positional argument.*$/s, '')}`, [
      `Known flags: ${Object.keys(options)
        .map((name) => `--${name}`)
        .join(', ')}`,
    ]);
  }
}

/**
 * The single error funnel of every command: expected failures print their message and hints
 * and exit with their code; anything else is a bug and keeps its stack.
 */
export async function runCommand(main: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await main()) ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof KitError) {
      process.stderr.write(`error: ${error.message}\n`);
      for (const hint of error.hints) process.stderr.write(`  ${hint}\n`);
      code = error.exitCode;
    } else {
      process.stderr.write(`internal error (a bug in the kit, please report it):\n`);
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      code = 70;
    }
  }
  process.exit(code);
}
