import { describe, expect, it } from 'vitest';
import { Progress, type ProgressFigures, progressLine } from '../../engine/progress.ts';

const at = (elapsedSeconds: number, requests: number): ProgressFigures => ({
  elapsedSeconds,
  plannedSeconds: 600,
  busy: 12,
  allocated: 93,
  completed: 4521,
  dropped: 2,
  requests,
  failed: 3,
});

describe('progress', () => {
  it("reads like k6's: elapsed and planned time, VUs busy and allocated, iterations, requests/s, failed", () => {
    expect(progressLine(at(83.4, 30_000), 70.1)).toBe(
      'running (01m23.4s/10m00.0s), 12/93 VUs, 4521 complete and 2 dropped iterations, 70.1 req/s, 0.01% failed',
    );
  });

  it('redraws one line on a terminal every update', () => {
    let out = '';
    const p = new Progress((t) => (out += t), true);
    p.update(at(1, 70));
    p.update(at(2, 140));
    expect(out.match(/\r\x1b\[2K/g)?.length).toBe(2);
    expect(out).not.toContain('\n');
    expect(out).toContain('70.0 req/s');
  });

  it('writes a plain line every 10 s otherwise', () => {
    const lines: string[] = [];
    const p = new Progress((t) => lines.push(t), false);
    for (let s = 1; s <= 25; s++) p.update(at(s, s * 70));
    expect(lines.length).toBe(3); // at 1 s, 11 s and 21 s
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines[1]).toContain('70.0 req/s');
  });
});
