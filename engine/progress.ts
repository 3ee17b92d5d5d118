/**
 * The run's progress as k6 shows it: elapsed and planned time, VUs busy and allocated, iterations
 * done and dropped, requests per second and the failed share. One line redrawn in place on a
 * terminal; a plain line every 10 s otherwise (CI logs, files).
 */

export interface ProgressFigures {
  readonly elapsedSeconds: number;
  readonly plannedSeconds: number;
  readonly busy: number;
  readonly allocated: number;
  readonly completed: number;
  readonly dropped: number;
  readonly requests: number;
  readonly failed: number;
}

const PLAIN_EVERY_SECONDS = 10;

export class Progress {
  #lastPlain = -Infinity;
  #lastRequests = 0;
  #lastAt = 0;
  #drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {}

  /** Called about once a second. */
  update(f: ProgressFigures): void {
    const dt = f.elapsedSeconds - this.#lastAt;
    const rate = dt > 0 ? (f.requests - this.#lastRequests) / dt : 0;
    if (this.tty) {
      this.write(`\r\x1b[2K${progressLine(f, rate)}`);
      this.#drawn = true;
    } else if (f.elapsedSeconds - this.#lastPlain >= PLAIN_EVERY_SECONDS) {
      this.write(`${progressLine(f, rate)}\n`);
      this.#lastPlain = f.elapsedSeconds;
    } else return;
    this.#lastRequests = f.requests;
    this.#lastAt = f.elapsedSeconds;
  }

  /** Leaves the last figures on their own line. */
  finish(f: ProgressFigures): void {
    const rate = f.elapsedSeconds > 0 ? f.requests / f.elapsedSeconds : 0;
    this.write(
      `${this.tty && this.#drawn ? '\r\x1b[2K' : ''}${progressLine(f, rate).replace(/ req\/s/, ' req/s on average')}\n`,
    );
  }
}

/**
 * @example progressLine({ elapsedSeconds: 83.4, plannedSeconds: 600, busy: 12, allocated: 93, completed: 4521, dropped: 0, requests: 30000, failed: 3 }, 70.1)
 * // 'running (01m23.4s/10m00.0s), 12/93 VUs, 4521 complete and 0 dropped iterations, 70.1 req/s, 0.01% failed'
 */
export function progressLine(f: ProgressFigures, requestsPerSecond: number): string {
  const failedPct = f.requests === 0 ? 0 : (100 * f.failed) / f.requests;
  return (
    `running (${clock(f.elapsedSeconds)}/${clock(f.plannedSeconds)}), ${f.busy}/${f.allocated} VUs, ` +
    `${f.completed} complete and ${f.dropped} dropped iterations, ${requestsPerSecond.toFixed(1)} req/s, ${failedPct.toFixed(2)}% failed`
  );
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${String(m).padStart(2, '0')}m${s.toFixed(1).padStart(4, '0')}s`;
}
