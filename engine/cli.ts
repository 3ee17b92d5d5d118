/**
 * The kit's engine with k6's command line, so `npm run load` swaps one program for the other and
 * nothing else changes:
 *
 *   node --import tsx engine/cli.ts run [--quiet] [--out json=FILE.gz] [--tag k=v]...
 *        [--execution-segment A:B --execution-segment-sequence S] scenarios/<profile>.ts
 *   node --import tsx engine/cli.ts version
 *
 * The flags of `run` (k6's names), its usage line and `--help`: `processes.engine` in lib/commands.ts.
 *
 * It does not execute the entry script (that is k6's TypeScript): the file name chooses the profile,
 * and the engine runs the same journeys from the same modules. Settings come from the K6_*
 * environment variables, parsed once here, as the entry scripts parse `__ENV`.
 * Exit codes: k6's (0, 99 thresholds, 100 setup timeout, 104 invalid options, 105 signal, 107 setup
 * refused), 2 usage or a bad setting.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HelpRequested, parseCommand, usage as usageLine } from '../lib/cli.ts';
import { processes } from '../lib/commands.ts';
import { UsageError } from '../lib/errors.ts';
import { repoRoot } from '../lib/paths.ts';
import { type ProfileName, profileNames } from '../model/profiles.ts';
import { parseScenarioEnv, ScenarioEnvError } from '../scenarios/lib/env.ts';
import { kitScript } from './kit-script.ts';
import { ENGINE_NAME, runEngine } from './run.ts';
import { parseSegment, type Segment, SegmentError } from './segments.ts';
import { ENGINE_VERSION } from './version.ts';

const USAGE = usageLine(processes.engine);

process.exitCode = await main(process.argv.slice(2));

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'version') {
    process.stdout.write(`${ENGINE_NAME} v${ENGINE_VERSION} (node ${process.version})\n`);
    return 0;
  }
  if (command !== 'run') return usage(`expected "run" or "version", got ${JSON.stringify(command ?? '(none)')}`);
  let parsed: ReturnType<typeof parseCommand<typeof processes.engine>>;
  try {
    parsed = parseCommand(processes.engine, rest);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(error.text);
      return 0;
    }
    if (error instanceof UsageError) return usage(error.message, error.hints);
    throw error;
  }
  const { values, positionals } = parsed;
  const profile = positionals.length === 1 ? path.basename(positionals[0]!, '.ts') : undefined;
  if (!profile || !(profileNames as readonly string[]).includes(profile)) {
    return usage(
      `expected one entry script scenarios/<${profileNames.join('|')}>.ts, got ${JSON.stringify(positionals.join(' ') || '(none)')}`,
    );
  }
  let rawOut: string | undefined;
  for (const out of values.out ?? []) {
    const match = /^json=(.+)$/.exec(out);
    if (!match) return usage(`--out: the engine writes k6's JSON output only (--out json=FILE.gz), got "${out}"`);
    rawOut = path.resolve(match[1]!);
  }
  const tags: Record<string, string> = {};
  for (const tag of values.tag ?? []) {
    const eq = tag.indexOf('=');
    if (eq <= 0) return usage(`--tag: expected NAME=VALUE, got "${tag}"`);
    tags[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  let script: ReturnType<typeof kitScript>;
  let segment: Segment | undefined;
  try {
    const env = parseScenarioEnv(process.env, (file) => readFileSync(path.resolve(repoRoot, file), 'utf8'));
    // the plan itself may refuse a setting (the capacity profile without K6_MAX_RATE off this machine)
    script = kitScript(profile as ProfileName, env, repoRoot);
    segment =
      values['execution-segment'] === undefined
        ? undefined
        : parseSegment(values['execution-segment'], values['execution-segment-sequence']);
  } catch (error) {
    if (error instanceof ScenarioEnvError || error instanceof SegmentError) return usage(error.message);
    throw error;
  }

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const quiet = values.quiet === true;
  return runEngine(script, {
    ...(rawOut ? { rawOut } : {}),
    ...(segment ? { segment } : {}),
    tags,
    log: (text) => {
      // --quiet hides progress, never the messages that explain an exit code.
      if (!quiet || !/^(running|\r)/.test(text)) process.stderr.write(text);
    },
    tty: process.stderr.isTTY === true && !quiet,
    stdout: (text) => process.stdout.write(text),
    signal: controller.signal,
  });
}

function usage(message: string, hints: readonly string[] = [USAGE]): number {
  process.stderr.write(`error: ${message}\n${hints.map((hint) => `  ${hint}\n`).join('')}`);
  return 2;
}
