/**
 * Runs the kit's own commands one after another as child processes, each a "phase" with a progress
 * line and its elapsed time, its output kept in a log file. A failing phase is reported by name
 * with the end of its output, and stops the sequence.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, type ExitCode, KitError } from './errors.ts';
import { scriptArgv } from './launch.ts';
import { repoRoot } from './paths.ts';

export interface Phase {
  /** Short name for the progress line and the log file. */
  readonly name: string;
  /** A script under scripts/ and its arguments. */
  readonly script: string;
  readonly args: readonly string[];
  /** Exit codes that count as success (k6's 99 "thresholds failed" is a finding, not a failure). */
  readonly okCodes?: readonly number[];
  /** Environment this phase sees over the runner's. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface PhaseResult {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

export class PhaseFailed extends KitError {
  constructor(
    readonly phase: string,
    code: number,
    tail: string,
    logFile: string,
  ) {
    super(`phase "${phase}" failed with exit code ${code}`, (code === 2 || code === 3 ? code : 3) as ExitCode, [
      ...tail
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-8),
      `Full output: ${logFile}`,
    ]);
  }
}

export function createPhaseRunner(options: { logDir: string; env: NodeJS.ProcessEnv; say: (line: string) => void }) {
  mkdirSync(options.logDir, { recursive: true });
  const started = Date.now();
  let index = 0;

  return async function run(phase: Phase): Promise<PhaseResult> {
    index += 1;
    const logFile = path.join(options.logDir, `${String(index).padStart(2, '0')}-${phase.name}.log`);
    const log = createWriteStream(logFile);
    const t0 = Date.now();
    options.say(`[${clock(t0 - started)}] ${phase.name} …`);
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, scriptArgv(phase.script, phase.args), {
        cwd: repoRoot,
        env: { ...options.env, ...phase.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      const keep = (chunk: Buffer) => {
        log.write(chunk);
        text = (text + chunk.toString('utf8')).slice(-20_000); // only the end is ever shown
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (error) =>
        reject(new EnvironmentError(`phase "${phase.name}" could not start: ${error.message}`)),
      );
      child.on('close', (c, signal) => resolve({ code: c ?? (signal ? 128 : 1), output: text }));
    });
    await new Promise((r) => log.end(r));
    const seconds = (Date.now() - t0) / 1000;
    if (!(phase.okCodes ?? [0]).includes(code)) throw new PhaseFailed(phase.name, code, output, logFile);
    options.say(`[${clock(Date.now() - started)}] ${phase.name} done in ${seconds.toFixed(1)} s`);
    return { code, output, seconds };
  };
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The baseline and the peak (10x) load of a sign-off sequence, each into its folder under `runDir`.
 * Exit 99 (thresholds breached, k6's code that the kit's engine shares) is evidence for verify, not a
 * failed phase.
 */
export async function runLoadPhases(run: ReturnType<typeof createPhaseRunner>, runDir: string): Promise<void> {
  await run({
    name: 'baseline load',
    script: 'load.ts',
    args: ['baseline', '--out-dir', path.join(runDir, 'baseline')],
    okCodes: [0, 99],
  });
  await run({
    name: 'peak load (10x)',
    script: 'load.ts',
    args: ['peak', '--out-dir', path.join(runDir, 'peak')],
    okCodes: [0, 99],
  });
}

/**
 * The seed of the run the capacity load writes to: its own users, so the hundreds of swipes each of
 * them gets at up to 40x never reach the users whose planted preferences verify judges.
 */
export const capacitySeed = (seed: string): string => `${seed}-capacity`;

/**
 * The capacity run of a sign-off sequence, into `<runDir>/capacity`, with the users of `manifest`
 * (a seed run of its own, `capacitySeed`): its own length (the steps'), whatever length the other
 * load phases were given, and never past `maxRate` when one is given.
 */
export async function runCapacityPhase(
  run: ReturnType<typeof createPhaseRunner>,
  runDir: string,
  options: { readonly maxRate: string | undefined; readonly manifest: string },
): Promise<string> {
  const dir = path.join(runDir, 'capacity');
  await run({
    name: 'capacity load (stepped up from 10x)',
    script: 'load.ts',
    args: ['capacity', '--out-dir', dir, ...(options.maxRate !== undefined ? ['--max-rate', options.maxRate] : [])],
    okCodes: [0, 99],
    // an empty value is unset for the scenarios: the capacity profile's own budget applies
    env: { K6_PROFILE_DURATION: '', K6_MANIFEST: options.manifest },
  });
  return dir;
}
