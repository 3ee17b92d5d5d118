/**
 * Progress of a command's long phases: the seed's accounts, COPY per table and FK verification,
 * verify's gates.
 *
 * On a terminal the current status is one line rewritten in place (at most 10 times a second); in a
 * log (stdout not a TTY) the same status is a plain line at most every `intervalMs`, so a CI log
 * shows the run advancing without drowning in it. `line` always prints a permanent line.
 */
import { readFileSync } from 'node:fs';

export interface Progress {
  /** The current status of a phase (replaces the previous one). */
  update(text: string): void;
  /** A permanent line (a phase's summary). */
  line(text: string): void;
}

/** The process's peak resident set (VmHWM from /proc), in MB. */
export function peakRssMb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

export const noProgress: Progress = { update: () => undefined, line: () => undefined };

interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export function progressTo(output: Output, intervalMs = 5000): Progress {
  const tty = output.isTTY === true;
  let shown = false;
  let last = 0;
  return {
    update(text) {
      const now = performance.now();
      if (tty) {
        if (now - last < 100) return;
        output.write(`\r\x1b[K${text}`);
        shown = true;
      } else {
        if (last !== 0 && now - last < intervalMs) return;
        output.write(`${text}\n`);
      }
      last = now;
    },
    line(text) {
      output.write(`${tty && shown ? '\r\x1b[K' : ''}${text}\n`);
      shown = false;
    },
  };
}

/** `12,345` */
export const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Items per second over `ms`, for status lines. */
export function rate(n: number, ms: number): string {
  if (ms <= 0) return '-';
  const r = (n * 1000) / ms;
  return r >= 100 ? count(r) : r.toFixed(1);
}
