import { type ParseArgsConfig, parseArgs } from 'node:util';
import { describeSettings, settingFlags } from './config.ts';
import { ExitCode, KitError, UsageError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type SettingFlags = typeof settingFlags;
export type SettingFlag = keyof SettingFlags;

export interface FlagDeclaration {
  readonly type: 'string' | 'boolean';
  /** One letter: `-n` for `--name`. */
  readonly short?: string;
  /** What the value looks like in the usage line and help (N, DIR, local|staging); string flags only. */
  readonly value?: string;
  /** Given to the parser, so the command reads it from the parsed values and never restates it. */
  readonly default?: string;
  readonly multiple?: boolean;
  /** Shown without brackets in the usage line; the command itself checks it, with its own message. */
  readonly required?: boolean;
  readonly doc: string;
}

export interface PositionalDeclaration {
  /** As the usage line shows it: `<profile>`, `up|down|status|reset`, `[<part>]`. */
  readonly usage: string;
  readonly doc: string;
}

/**
 * A command's flags, arguments and documentation, declared once: parsing, the usage line, `--help`
 * and the README's command table all come from it (declarations: lib/commands.ts).
 */
export interface CommandDeclaration {
  /** The npm script, then the part for commands with parts: `seed`, `bench api`. Prefixes its messages. */
  readonly name: string;
  /**
   * What a person types before the arguments when it is not an npm script (a process the kit starts:
   * `node --import tsx engine/cli.ts run`); by default `npm run <name>`.
   */
  readonly invocation?: string;
  /** One line, without a final full stop: the first line of `--help` and of its README row. */
  readonly summary: string;
  /** Full sentences, in `--help` and the README; backquotes mark code (dropped in `--help`). */
  readonly details?: string;
  readonly positionals?: readonly PositionalDeclaration[];
  readonly flags: Readonly<Record<string, FlagDeclaration>>;
  /** The settings of lib/config.ts it takes as flags: all of them, or these (by flag name). */
  readonly settings: 'all' | readonly SettingFlag[];
  /** Settings worth naming in the usage line, with their value's placeholder; the rest stand as `[settings]`. */
  readonly highlight?: Readonly<Partial<Record<SettingFlag, string>>>;
  readonly exitCodes?: Readonly<Record<number, string>>;
  /**
   * V8 flags the script runs under (package.json's script and every launch by the kit, lib/launch.ts);
   * they cannot be set once the process runs.
   */
  readonly node?: readonly string[];
}

/** A README table row that is not one of the kit's scripts (`k6 run ...`, `npm test`). */
export interface TableLine {
  readonly synopsis: readonly string[];
  readonly summary: string;
  readonly details?: string;
}

/** Keeps the literal types (flag types, defaults) that type the parsed values. */
export function defineCommand<const C extends CommandDeclaration>(command: C): C {
  return command;
}

type OptionOf<F extends FlagDeclaration> = {
  type: F['type'];
  multiple: F extends { multiple: true } ? true : false;
} & (F extends { default: string } ? { default: string } : unknown);

type SettingOptionsOf<S> = S extends 'all'
  ? SettingFlags
  : S extends readonly (infer N extends SettingFlag)[]
    ? Pick<SettingFlags, N>
    : never;

type OptionsOf<C extends CommandDeclaration> = {
  [K in keyof C['flags']]: OptionOf<C['flags'][K]>;
} & SettingOptionsOf<C['settings']> & { help: { type: 'boolean'; short: 'h' } };

/** Thrown by `parseCommand` on `--help`; `runCommand` prints the text and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help requested');
  }
}

function settingFlagsOf(command: CommandDeclaration): SettingFlag[] {
  return command.settings === 'all' ? (Object.keys(settingFlags) as SettingFlag[]) : [...command.settings];
}

function optionsOf<C extends CommandDeclaration>(command: C): OptionsOf<C> {
  const options: Options = {};
  for (const [name, flag] of Object.entries(command.flags)) {
    options[name] = {
      type: flag.type,
      multiple: flag.multiple ?? false,
      ...(flag.short === undefined ? {} : { short: flag.short }),
      ...(flag.default === undefined ? {} : { default: flag.default }),
    };
  }
  for (const flag of settingFlagsOf(command)) options[flag] = { type: 'string' };
  options.help = { type: 'boolean', short: 'h' };
  return options as OptionsOf<C>;
}

/**
 * Parses a command's argv by its declaration; `--help` throws `HelpRequested`. Positionals are left
 * to the command, which knows what they mean.
 */
export function parseCommand<const C extends CommandDeclaration>(command: C, argv: readonly string[]) {
  const parsed = parseFlags(argv, optionsOf(command), command.name, usage(command), knownFlags(command));
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested(helpText(command));
  return parsed;
}

/** The unknown-flag hint: the command's own flags, and the settings flags only by reference. */
function knownFlags(command: CommandDeclaration): string {
  const own = [...Object.keys(command.flags), 'help'].map((name) => `--${name}`).join(', ');
  return `Known flags: ${own}${settingFlagsOf(command).length > 0 ? ', and the settings flags (see --help)' : ''}`;
}

/**
 * Parses argv strictly: an unknown flag or a missing value is a usage error naming the flag,
 * instead of node's own exception text. The hints: the usage line, then the known flags (by default
 * every option's name).
 */
function parseFlags<O extends Options>(
  argv: readonly string[],
  options: O,
  command: string,
  usageHint?: string,
  knownHint = `Known flags: ${Object.keys(options)
    .map((name) => `--${name}`)
    .join(', ')}`,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${message.replace(/\. To specify a positional argument.*$/s, '')}`, [
      ...(usageHint === undefined ? [] : [usageHint]),
      knownHint,
    ]);
  }
}

/** What a person types before the arguments: `npm run seed`, `npm run bench -- api`. */
function invocation(command: CommandDeclaration): string {
  if (command.invocation !== undefined) return command.invocation;
  const [script, ...part] = command.name.split(' ');
  return part.length === 0 ? `npm run ${script}` : `npm run ${script} -- ${part.join(' ')}`;
}

function flagUsage(name: string, flag: FlagDeclaration): string {
  const text = `--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}${flag.multiple ? ' ...' : ''}`;
  return flag.required ? text : `[${text}]`;
}

/** The synopsis in words that are never split: `npm run seed --`, `[--scale N]`, ..., `[settings]`. */
function usageWords(command: CommandDeclaration): string[] {
  const highlighted = Object.entries(command.highlight ?? {});
  const words = [
    ...(command.positionals ?? []).map((p) => p.usage),
    ...Object.entries(command.flags).map(([name, flag]) => flagUsage(name, flag)),
    ...highlighted.map(([name, value]) => `[--${name} ${value}]`),
    ...(settingFlagsOf(command).length > highlighted.length ? ['[settings]'] : []),
  ];
  const start = invocation(command);
  if (words.length === 0) return [start];
  // npm passes on what follows `--`; a process started directly needs none.
  return [command.invocation !== undefined || start.includes(' -- ') ? start : `${start} --`, ...words];
}

/** The synopsis: `npm run seed -- [--scale N] ... [settings]`. */
export function usageLine(command: CommandDeclaration): string {
  return usageWords(command).join(' ');
}

/** The usage line as an error hint. */
export function usage(command: CommandDeclaration): string {
  return `usage: ${usageLine(command)}`;
}

const WIDTH = 100;

/** Words (a text's, or the given ones, kept whole) in lines of at most WIDTH, later lines indented. */
function wrap(text: string | readonly string[], indent: number, first = indent): string[] {
  const lines: string[] = [];
  let line = ' '.repeat(first);
  let empty = true;
  for (const word of typeof text === 'string' ? text.split(/\s+/).filter((w) => w !== '') : text) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  return [...lines, line];
}

/** Two columns: the term, then its description wrapped under itself. */
function entries(rows: readonly (readonly [string, string])[]): string[] {
  const column = Math.min(30, Math.max(...rows.map(([term]) => term.length)) + 4);
  return rows.flatMap(([term, text]) => {
    const head = `  ${term}`;
    if (head.length + 2 > column) return [head, ...wrap(text, column)];
    const [first = '', ...rest] = wrap(text, column);
    return [`${head}${first.slice(head.length)}`, ...rest];
  });
}

const plain = (text: string) => text.replaceAll('`', '');
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/** The command's own flags as `--help` and the docs list them: term, then meaning (backquotes mark code). */
function flagRows(command: CommandDeclaration): (readonly [string, string])[] {
  return Object.entries(command.flags).map(([name, flag]) => {
    const term = `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    const notes = [
      flag.multiple ? 'may be repeated' : '',
      flag.default === undefined ? '' : `default \`${flag.default}\``,
    ]
      .filter((n) => n !== '')
      .join('; ');
    return [term, `${flag.doc}${notes ? ` (${notes})` : ''}`] as const;
  });
}

/** The settings it takes that `include` keeps, as flag rows: `--confirm-target REF`, `KIT_STAGING_PROJECT_REF: ...`. */
function settingRows(
  command: CommandDeclaration,
  include: (flag: SettingFlag) => boolean,
): (readonly [string, string])[] {
  return describeSettings()
    .filter((s) => include(s.flag as SettingFlag))
    .map(
      (s) =>
        [`--${s.flag} ${command.highlight?.[s.flag as SettingFlag] ?? 'VALUE'}`, `\`${s.name}\`: ${s.doc}`] as const,
    );
}

/** `--help`: usage, summary and details, arguments, flags, the settings it takes, exit codes. */
export function helpText(command: CommandDeclaration): string {
  const lines = [...wrap(['usage:', ...usageWords(command)], 7, 0), '', ...wrap(plain(sentence(command.summary)), 0)];
  if (command.details) lines.push('', ...wrap(plain(command.details), 0));
  if (command.positionals?.length) {
    lines.push('', 'Arguments:', ...entries(command.positionals.map((p) => [p.usage, plain(p.doc)] as const)));
  }
  const flags = flagRows(command).map(([term, text]) => [term, plain(text)] as const);
  lines.push('', 'Flags:', ...entries([...flags, ['-h, --help', 'print this help and exit']]));
  const settings = settingRows(command, (flag) => settingFlagsOf(command).includes(flag));
  if (settings.length > 0) {
    lines.push(
      '',
      'Settings (each also from the environment or .env by the name shown; .env.example):',
      ...entries(settings.map(([term, text]) => [term, plain(text)] as const)),
    );
  }
  if (command.exitCodes) {
    lines.push(
      '',
      'Exit codes:',
      ...entries(Object.entries(command.exitCodes).map(([code, meaning]) => [code, plain(meaning)] as const)),
    );
  }
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** The README's command table: one row per command (its usage line) or other line, in the given order. */
export function renderCommandTable(rows: readonly (CommandDeclaration | TableLine)[]): string {
  const lines = ['| command | what it does |', '|---|---|'];
  for (const row of rows) {
    const synopsis = 'synopsis' in row ? row.synopsis : [usageLine(row)];
    const text = row.details ? `${row.summary}. ${row.details}` : `${row.summary}.`;
    lines.push(`| ${synopsis.map((s) => `\`${cell(s)}\``).join(' / ')} | ${cell(text)} |`);
  }
  return lines.join('\n');
}

/**
 * A command's flags as a Markdown table for its documentation page: its own flags, then the settings
 * it highlights; `npm run docs` writes it between markers, as the README's tables.
 */
export function renderFlagTable(command: CommandDeclaration): string {
  const highlighted = command.highlight ?? {};
  const rows = [...flagRows(command), ...settingRows(command, (flag) => flag in highlighted)];
  return [
    '| flag | meaning |',
    '|---|---|',
    ...rows.map(([term, text]) => `| \`${cell(term)}\` | ${cell(text)} |`),
  ].join('\n');
}

/** `text` with what stands between `<!-- name:start -->` and `<!-- name:end -->` replaced by `content`. */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new UsageError(`the markers ${start} and ${end} are missing or out of order`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
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
    if (error instanceof HelpRequested) {
      process.stdout.write(error.text);
      code = ExitCode.ok;
    } else if (error instanceof KitError) {
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
