/**
 * Each command's declaration (lib/commands.ts) is the one source of its flags, `--help`, usage line
 * and README row: every script and bench part has one, the generated files are what the declarations
 * give, and each real script's `--help` prints the declared text without needing a database (so do
 * the processes the kit starts itself, the API server and the engine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CommandDeclaration, helpText, parseCommand, type SettingFlag } from '../../lib/cli.ts';
import { benchParts, commands, commandTable, generatedFiles, processes } from '../../lib/commands.ts';
import { describeSettings } from '../../lib/config.ts';
import { UsageError } from '../../lib/errors.ts';
import { scriptArgv } from '../../lib/launch.ts';
import { repoRoot } from '../../lib/paths.ts';
import { runScript } from '../support/run-script.ts';

/** Modules under scripts/ that are not commands (none yet). */
const HELPERS = new Set<string>([]);

const names = (dir: string) =>
  readdirSync(path.join(repoRoot, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
const declared: readonly CommandDeclaration[] = [...Object.values(commands), ...Object.values(benchParts)];
const started: readonly CommandDeclaration[] = Object.values(processes);
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), KIT_ENV_FILE: '/dev/null' };

describe('command declarations', () => {
  it('every script under scripts/ and every bench part has one, and nothing else does', () => {
    expect(Object.keys(commands).sort()).toEqual(names('scripts').filter((n) => !HELPERS.has(n)));
    expect(Object.keys(benchParts).sort()).toEqual(names('bench'));
  });

  it('every command is an npm script running its file, under the V8 flags its declaration names', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    for (const [name, command] of Object.entries(commands)) {
      const node: readonly string[] | undefined = 'node' in command ? command.node : undefined;
      expect(scripts[name], name).toBe(
        node ? `node ${node.join(' ')} --import tsx scripts/${name}.ts` : `tsx scripts/${name}.ts`,
      );
      // The kit's own launches (demo, signoff, benchmarks) use the same flags.
      expect(scriptArgv(`${name}.ts`).slice(0, node?.length ?? 0), name).toEqual(node ?? []);
    }
  });

  it("the README's exit-code table has every code verify, demo and signoff declare, and only codes some command declares", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = /^## Exit codes\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
    const rows = new Map([...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2]!]));
    for (const command of [commands.verify, commands.demo, commands.signoff])
      for (const [code, meaning] of Object.entries(command.exitCodes ?? {})) {
        expect(rows.has(Number(code)), `${command.name} exit ${code} (${meaning}) is not in the README`).toBe(true);
        if (Number(code) <= 1 || Number(code) === 4)
          expect(rows.get(Number(code)), `README exit ${code}`).toContain(command.name);
      }
    // 4 means the same in both places: a CONDITIONAL an error-level gate could not judge.
    expect(rows.get(4)).toContain('error-level gate could not judge');
    expect(commands.verify.exitCodes?.[4]).toContain('error-level gate could not judge');
    const declaredCodes = new Set(declared.flatMap((c) => Object.keys(c.exitCodes ?? {}).map(Number)));
    expect([...rows.keys()].filter((code) => !declaredCodes.has(code))).toEqual([]);
  });

  it("every command and bench part has a row in the README's table", () => {
    for (const command of declared) expect(commandTable, command.name).toContain(command);
  });

  it('own flags do not shadow --help or a setting, and highlighted settings are accepted', () => {
    const settingFlags = new Set(describeSettings().map((s) => s.flag));
    for (const command of [...declared, ...started]) {
      for (const flag of Object.keys(command.flags)) {
        expect(flag, command.name).not.toBe('help');
        expect(settingFlags.has(flag), `${command.name} --${flag}`).toBe(false);
      }
      const accepted = command.settings === 'all' ? settingFlags : new Set<string>(command.settings);
      for (const flag of Object.keys(command.highlight ?? {}) as SettingFlag[])
        expect(accepted.has(flag), `${command.name} highlights --${flag}`).toBe(true);
    }
  });

  it('--help shows no backquotes (they mark code only in the Markdown)', () => {
    for (const command of [...declared, ...started]) expect(helpText(command), command.name).not.toContain('`');
  });

  it("an unknown flag lists the command's own flags, and the settings flags only by reference", () => {
    const hints = (command: CommandDeclaration) => {
      try {
        parseCommand(command, ['--bogus']);
      } catch (error) {
        if (error instanceof UsageError) return error.hints;
        throw error;
      }
      throw new Error('--bogus was accepted');
    };
    expect(hints(commands.seed)).toContain(
      'Known flags: --scale, --seed, --users, --target, --auth-writer, --batch-users, --writers, --dry-run, --sign-in, --clean, --list, --result-file, --help, and the settings flags (see --help)',
    );
    expect(hints(commands.docs)).toContain('Known flags: --help');
    expect(hints(processes.server)).toContain('Known flags: --help, and the settings flags (see --help)');
  });

  it.each(Object.keys(generatedFiles))('%s is what the declarations give (run `npm run docs`)', (file) => {
    const current = readFileSync(path.join(repoRoot, file), 'utf8');
    expect(current).toBe(generatedFiles[file]!(current));
  });
});

describe('--help of the real scripts', () => {
  const cases = [
    ...Object.entries(commands).map(([name, command]) => [command.name, `scripts/${name}.ts`, [], command] as const),
    ...Object.entries(benchParts).map(
      ([part, command]) => [command.name, 'scripts/bench.ts', [part], command] as const,
    ),
    [processes.server.name, 'stack/server/main.ts', [], processes.server] as const,
    [processes.engine.name, 'engine/cli.ts', ['run'], processes.engine] as const,
    [processes.watchDatabase.name, 'distribute/watch-database.ts', [], processes.watchDatabase] as const,
  ];
  it.concurrent.each(cases)('%s --help prints its declaration and exits 0', async (_name, script, args, command) => {
    const result = await runScript(script, [...args, '--help'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(helpText(command));
    for (const flag of Object.keys(command.flags)) expect(result.stdout).toContain(`--${flag}`);
  });

  it('an unknown flag names the command, the usage line and the known flags, exit 2', async () => {
    const result = await runScript('scripts/docs.ts', ['--bogus'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: docs: Unknown option '--bogus'");
    expect(result.stderr).toContain('usage: npm run docs\n');
    expect(result.stderr).toContain('Known flags: --help');
  });

  it('the engine keeps its error format: the message, the usage line and the known flags, exit 2', async () => {
    const result = await runScript('engine/cli.ts', ['run', '--bogus', 'scenarios/smoke.ts'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        "error: engine run: Unknown option '--bogus'",
        `  usage: node --import tsx engine/cli.ts run scenarios/<profile>.ts [--quiet] [--no-color] [--out json=FILE.gz ...] [--tag NAME=VALUE ...] [--execution-segment A:B] [--execution-segment-sequence S]`,
        '  Known flags: --quiet, --no-color, --out, --tag, --execution-segment, --execution-segment-sequence, --help',
        '',
      ].join('\n'),
    );
  });
});
