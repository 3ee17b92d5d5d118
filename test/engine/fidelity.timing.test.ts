/**
 * The engine measures what k6 would: latency of a known server, the arrival rate it was asked for,
 * and, when the target stalls, dropped iterations counted instead of latency invented or lost.
 * The engine runs in this process; the server in a child process of its own.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioOptions } from '../../engine/executor.ts';
import { runEngine } from '../../engine/run.ts';
import { type AnswerServer, startAnswerServer } from './support/answer-server.ts';
import { getScript } from './support/get-script.ts';

let server: AnswerServer;

beforeAll(async () => {
  server = await startAnswerServer(20);
});
afterAll(() => server?.stop());

interface Point {
  metric: string;
  value: number;
}

/** One GET per iteration of one constant-arrival-rate scenario; the raw points it wrote. */
async function run(
  scenario: Omit<ScenarioOptions, 'executor' | 'exec'> & { rate: number; duration: string },
  during?: (elapsed: () => number) => Promise<void>,
): Promise<{ code: number; points: Point[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-fidelity-'));
  const script = getScript(server.url, {
    get: { executor: 'constant-arrival-rate', timeUnit: '1s', exec: 'get', ...scenario },
  });
  const started = performance.now();
  const [code] = await Promise.all([
    runEngine(script, {
      rawOut: path.join(dir, 'raw.json.gz'),
      log: () => undefined,
      tty: false,
      stdout: () => undefined,
    }),
    during?.(() => (performance.now() - started) / 1000),
  ]);
  const points = gunzipSync(readFileSync(path.join(dir, 'raw.json.gz')))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"Point"'))
    .map((line) => JSON.parse(line) as { metric: string; data: { value: number } })
    .map((p) => ({ metric: p.metric, value: p.data.value }));
  return { code, points };
}

const values = (points: Point[], metric: string) => points.filter((p) => p.metric === metric).map((p) => p.value);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// Timing tests run alone (npm test runs them after the suite), so a measurement counts the first time.
describe('engine fidelity against a server answering in 20 ms', () => {
  it('median http_req_duration is within 1 ms of the 20 ms the server took', async () => {
    await server.command('reset-times');
    const { code, points } = await run({ rate: 50, duration: '4s', preAllocatedVUs: 10 });
    // The server's own timer fires at 20 ms or a little later on a busy machine: judge the engine
    // against the answer time the server measured, which is 20 ms on a quiet one.
    const served = (await server.command('count')).medianMs;
    expect(code).toBe(0);
    const durations = values(points, 'http_req_duration');
    expect(durations.length).toBe(200);
    expect(served).toBeGreaterThanOrEqual(20);
    expect(Math.abs(median(durations) - served)).toBeLessThanOrEqual(1);
    // waiting (to the first byte) carries the server's delay; duration = sending + waiting + receiving
    expect(median(values(points, 'http_req_waiting'))).toBeGreaterThanOrEqual(20);
  });

  it('at 1,000 arrivals/s the achieved rate is within 1% of the schedule and nothing is dropped', async () => {
    const before = await server.command('count');
    // Head-room for a busy test machine: a VU is only taken for the 20 ms of its request.
    const { code, points } = await run({ rate: 1000, duration: '5s', preAllocatedVUs: 300 });
    const after = await server.command('count');
    expect(code).toBe(0);
    expect(values(points, 'dropped_iterations')).toEqual([]);
    const iterations = values(points, 'iterations').length;
    expect(Math.abs(iterations - 5000) / 5000).toBeLessThanOrEqual(0.01);
    // one sample per answer the server gave, none more
    expect(values(points, 'http_reqs').length).toBe(after.answered - before.answered);
  });

  it('with the server stalled, starts that find no free VU are dropped and counted; no latency sample is lost or invented', async () => {
    const before = await server.command('count');
    let held = 0;
    const { code, points } = await run(
      { rate: 100, duration: '4s', preAllocatedVUs: 10, gracefulStop: '10s' },
      async (elapsed) => {
        while (elapsed() < 1) await new Promise((r) => setTimeout(r, 20));
        await server.command('stall');
        while (elapsed() < 3) await new Promise((r) => setTimeout(r, 20));
        held = (await server.command('resume')).held - before.held;
      },
    );
    const after = await server.command('count');
    expect(code).toBe(0);
    const dropped = values(points, 'dropped_iterations').length;
    const iterations = values(points, 'iterations').length;
    expect(held).toBe(10); // every VU was waiting on the stalled server
    expect(dropped).toBeGreaterThan(100); // about 2 s x 100/s
    expect(iterations + dropped).toBe(400); // every scheduled start is one or the other
    const durations = values(points, 'http_req_duration');
    expect(durations.length).toBe(after.answered - before.answered);
    expect(durations.length).toBe(iterations);
    // the held answers carry the stall (about 2 s), the others the server's 20 ms
    expect(durations.filter((d) => d > 1000).length).toBe(held);
  });
});
