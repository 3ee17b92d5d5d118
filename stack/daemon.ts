/**
 * Background processes of the local stack (PostgREST, the kit's server): started detached with their
 * output appended to a log file, remembered by a pid file, stopped with SIGTERM (then SIGKILL).
 *
 * A pid file alone is not proof: after a crash or reboot the number may belong to another program.
 * `runningPid` therefore also checks that the process's command line names the expected program.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from '../lib/errors.ts';

export interface DaemonSpec {
  /** Short name for messages: "PostgREST", "API server". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** A substring of /proc/<pid>/cmdline that identifies this program. */
  readonly marker: string;
  /** Resolves true once the process serves requests. */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** The pid of the running daemon, or undefined (a stale pid file is removed). */
export function runningPid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const cmd = commandLine(pid);
    // Without /proc (not Linux) trust the pid; with it, require the marker.
    if (cmd === undefined || cmd.includes(marker)) {
      // A zombie (exited, not yet reaped by its parent) is not running.
      if (!isZombie(pid)) return pid;
    }
  }
  rmSync(pidFile, { force: true });
  return undefined;
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** The last lines of a log, for error messages. */
export function logTail(file: string, lines = 5): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join(' | ');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts the daemon unless it already runs; resolves with its pid and whether this call started it.
 * Fails (EnvironmentError) if the process exits or does not become ready in time; then nothing is
 * left running.
 */
export async function startDaemon(spec: DaemonSpec): Promise<{ pid: number; started: boolean }> {
  const existing = runningPid(spec.pidFile, spec.marker);
  if (existing !== undefined) return { pid: existing, started: false };

  mkdirSync(path.dirname(spec.pidFile), { recursive: true });
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  let exitCode: number | null | undefined;
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
  const pid = child.pid;
  if (pid === undefined) {
    const error = await spawnError;
    throw new EnvironmentError(`${spec.name} could not be started (${spec.command}): ${error.message}`);
  }
  writeFileSync(spec.pidFile, `${pid}\n`);
  // The daemon outlives this process: do not keep our event loop waiting for it.
  child.unref();

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (exitCode !== undefined) break;
    if (await spec.ready().catch(() => false)) return { pid, started: true };
    await sleep(100);
  }
  const why =
    exitCode !== undefined
      ? `exited with code ${exitCode}`
      : `was not ready within ${(spec.readyTimeoutMs ?? 20_000) / 1000} s`;
  await stopPid(pid, 2_000);
  rmSync(spec.pidFile, { force: true });
  throw new EnvironmentError(`${spec.name} ${why}: ${logTail(spec.logFile)}`, [`See ${spec.logFile}.`]);
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves when the process is gone. */
export async function stopPid(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && !isZombie(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid) && !isZombie(pid)) {
    signal(pid, 'SIGKILL');
    while (isAlive(pid) && !isZombie(pid)) await sleep(20);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Stops the daemon if it runs; true when it was running. */
export async function stopDaemon(pidFile: string, marker: string, graceMs = 15_000): Promise<boolean> {
  const pid = runningPid(pidFile, marker);
  if (pid === undefined) return false;
  await stopPid(pid, graceMs);
  rmSync(pidFile, { force: true });
  return true;
}
