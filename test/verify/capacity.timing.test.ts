/**
 * The capacity envelope end to end on the kit's engine over real HTTP: a server of this test's own
 * that serves at most R requests a second and queues the rest (a token bucket), loaded with the
 * capacity profile's steps; the envelope read back from the raw output must put the knee at the
 * last step under R, name the endpoint and its breach, and compute the headroom. A server that never
 * queues holds at every step, and the headroom is then a lower bound.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine } from '../../engine/run.ts';
import { capacitySteps, type JourneyRates, planLoad, profiles } from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { loadMetadata } from '../../scenarios/lib/load-metadata.ts';
import { judgeCapacity } from '../../verify/capacity/envelope.ts';
import { readCapacityRun } from '../../verify/capacity/steps.ts';
import { getScript } from '../engine/support/get-script.ts';

const BUCKET_SERVER = `
const http = require('node:http');
const perSecond = Number(process.argv[1]);
let next = 0;
http.createServer((req, res) => {
  req.resume();
  // A token bucket of one: one answer every 1/R s, the rest wait their turn; 5 ms of work each.
  const now = performance.now();
  next = Math.max(now, next);
  const at = next + 5;
  if (Number.isFinite(perSecond)) next += 1000 / perSecond;
  setTimeout(() => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); }, at - now);
}).listen(0, '127.0.0.1', function () { console.log(JSON.stringify({ port: this.address().port })); });
`;

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

async function startServer(perSecond: number): Promise<string> {
  child = spawn(process.execPath, ['-e', BUCKET_SERVER, String(perSecond)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child!.stdout! }).once('line', (l) => resolve(l)),
  );
  return `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

/** One GET per iteration; 10 iterations a second at 1x, so the steps offer 100, 125, 156/s. */
const base: JourneyRates = { swipingUser: 600, returningUser: 0, anonymousBrowser: 0, networkPostback: 0, rlsProbe: 0 };

async function capacityRun(url: string, maxMultiplier: number): Promise<string> {
  const shape = profiles.capacity.shape;
  if (shape.kind !== 'steps') throw new Error('capacity has steps');
  const steps = capacitySteps(shape, base, (r) => ({ answer: r.swipingUser / 60 }), {
    maxMultiplier,
    stepSeconds: 4,
  });
  const plan = planLoad({ profile: 'capacity', baselineRates: base, steps, thinkTimeScale: 0 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-capacity-'));
  const scenario = { ...plan.scenarios.swipingUser!, exec: 'get', preAllocatedVUs: 400 };
  const script = getScript(url, { swipingUser: scenario }, { profile: 'capacity' });
  const startedAt = new Date();
  const code = await runEngine(script, {
    rawOut: path.join(dir, 'k6-raw.json.gz'),
    log: () => undefined,
    tty: false,
    stdout: () => undefined,
  });
  expect(code).toBe(0);
  const metadata = loadMetadata({
    plan,
    engine: { name: 'kit-engine', version: 'test' },
    command: 'test',
    startedAt,
    finishedAt: new Date(),
    exitCode: code,
    targetUrl: url,
    supabaseUrl: url,
    seedRunId: undefined,
    baselineSource: 'test',
  });
  writeFileSync(path.join(dir, 'load.json'), JSON.stringify(metadata));
  return dir;
}

describe('capacity envelope against a server of known capacity', { timeout: 120_000 }, () => {
  it('finds the knee within one step of where the server starts queueing, names the endpoint and its breach, and computes the headroom', async () => {
    // Serves 140/s: 125/s (12.5x) is answered at once, 156/s (15.6x) queues without bound.
    const url = await startServer(140);
    const run = await readCapacityRun(await capacityRun(url, 16));
    expect(run).toBeDefined();
    const e = judgeCapacity(run!, successCriteria);
    expect(e.steps.map((s) => s.multiplier)).toEqual([10, 12.5, 15.625]);
    expect(e.steps.map((s) => s.status)).toEqual(['holds', 'holds', 'breaks']);
    expect(e.knee).toEqual({ step: 2, multiplier: 12.5 });
    expect(e.headroom).toBe(1.25);
    expect(e.headroomIsLowerBound).toBe(false);
    expect(e.endsBy).toBe('breach');
    expect(e.firstBreaks[0]).toMatchObject({ endpoint: 'answer', step: 3, multiplier: 15.625 });
    expect(e.firstBreaks[0]!.breached.some((b) => b.startsWith('p95'))).toBe(true);
    expect(e.headline).toMatch(
      /^Holds up to 12\.5x baseline \(1\.3x headroom over the 10x target\); first to break: answer .*p95 .* at 15\.6x\.$/,
    );
    // every step's offered rate is what was scheduled, and none went past the highest allowed
    expect(e.steps.map((s) => Math.round(s.offeredRate))).toEqual([100, 125, 156]);
  });

  it('with a server that never queues, holds at every step up to the highest allowed: the headroom is a lower bound', async () => {
    const url = await startServer(Number.POSITIVE_INFINITY);
    const dir = await capacityRun(url, 16);
    const run = await readCapacityRun(dir);
    const e = judgeCapacity(run!, successCriteria);
    expect(e.steps.every((s) => s.status === 'holds')).toBe(true);
    expect(e.knee?.multiplier).toBe(15.625);
    expect(e.headroomIsLowerBound).toBe(true);
    expect(e.endsBy).toBe('last-step');
    expect(e.headline).toMatch(/^Holds at every step up to 15\.6x baseline \(at least 1\.6x headroom/);

    // A run of several instances (`--instances N`): their samples merged, their scheduled rates added.
    const parent = mkdtempSync(path.join(os.tmpdir(), 'kit-capacity-instances-'));
    cpSync(dir, path.join(parent, 'instance-1'), { recursive: true });
    cpSync(dir, path.join(parent, 'instance-2'), { recursive: true });
    const merged = judgeCapacity((await readCapacityRun(parent))!, successCriteria);
    expect(merged.steps.map((s) => s.offeredRate)).toEqual(e.steps.map((s) => s.offeredRate * 2));
    expect(merged.steps.map((s) => s.requests)).toEqual(e.steps.map((s) => s.requests * 2));
    expect(merged.knee).toEqual(e.knee);
  });
});
