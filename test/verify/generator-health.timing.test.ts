/**
 * A real engine run, judged: with its event loop blocked by a busy loop (as a CPU-starved or
 * GC-bound generator is; the app, in a child process, untouched) the latency gates say they could
 * not judge and why; the same load unstarved is judged normally; and the app's own planted delay,
 * with a healthy generator, is still judged as the app's (a fail, not a withdrawn verdict).
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import type { GateResult } from '../../verify/gate.ts';
import apiLatency from '../../verify/gates/api-latency.ts';
import degradation from '../../verify/gates/degradation.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { renderHtml } from '../../verify/report/html.ts';
import { buildSummary } from '../../verify/report/summary.ts';
import { type AnswerServer, startAnswerServer } from '../engine/support/answer-server.ts';
import { loadContext } from './support/fixtures.ts';
import { runLoad } from './support/load-run.ts';

let app: AnswerServer;
let slowApp: AnswerServer;
const dirs: string[] = [];

beforeAll(async () => {
  [app, slowApp] = await Promise.all([startAnswerServer(10), startAnswerServer(300)]);
});
afterAll(async () => {
  await Promise.all([app?.stop(), slowApp?.stop()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function report(load: LoadEvidence, results: GateResult[]): string {
  const summary = buildSummary({
    runId: 'generator',
    outDir: os.tmpdir(),
    verdict: 'CONDITIONAL',
    results,
    load,
    baseline: undefined,
    generatedAt: '2026-01-01T00:00:00Z',
    reproducibility: { seedRunIds: [], loadRunDirs: [], criteria: {}, versions: {}, commands: [] },
  });
  return renderHtml(summary, { uplotCss: '', uplotJs: '' });
}

/** 4 s at 20 iterations/s of one request as `profile`; `starve` blocks this process's event loop 200 ms of every 400. */
async function run(server: AnswerServer, starve: boolean, profile: 'peak' | 'baseline' = 'peak') {
  const blocker = starve
    ? setInterval(() => {
        const until = performance.now() + 200;
        while (performance.now() < until);
      }, 400)
    : undefined;
  try {
    const dir = await runLoad(server, {
      profile,
      scenarios: [{ name: 'browse', rate: 20, seconds: 4, maxVUs: 40, requests: [{ path: '/', name: 'page' }] }],
      baselineRates: { browse: 2 },
    });
    dirs.push(dir);
    return readLoadEvidence([dir]);
  } finally {
    clearInterval(blocker);
  }
}

// The unstarved runs need a machine not itself starving this process: retried before they count.
describe('latency gates on a starved and a healthy generator', () => {
  it('starved: api-latency and degradation could not judge, and say why and what to do', async () => {
    const [starved, healthy] = [await run(app, true), await run(app, false)];
    // degradation takes only a baseline-profile run as its baseline
    const starvedBaseline = await run(app, true, 'baseline');
    const r = await apiLatency.run(loadContext(starved));
    expect(r.status).toBe('insufficient-data');
    expect(r.evidence.summary).toMatch(
      /^Not judged: the load generator of the peak run was saturated \(event-loop p99 \d+ ms \(limit 50 ms\).*\), so its latencies measure the generator as much as the app; run it on a bigger machine, with --instances N, or on k8s\.$/,
    );
    expect(r.evidence.figures?.['generator event-loop p99 (ms)']).toBeGreaterThan(150);
    const d = await degradation.run(loadContext(healthy, starvedBaseline));
    expect(d.status).toBe('insufficient-data');
    expect(d.evidence.summary).toContain('the load generator of the baseline run was saturated');

    // The report says so beside the latency charts, and draws the generator's health and the
    // iterations timed from their planned start, which differ from k6's timing here.
    const html = report(starved, [r]);
    expect(html).toMatch(
      /<p id="generator-health">Load generator: <b class="s-fail">saturated<\/b>: event-loop p99 \d+ ms/,
    );
    expect(html).toMatch(
      /<p class="muted" id="intended-start">Iterations timed from their planned start .*the chart below shows where the two differ/,
    );
    expect(html).toContain('"scheduleDiffers":true');
    expect(html).toContain('"eventLoopP99":');
  });

  it('the same load unstarved is judged normally', async () => {
    const healthy = await run(app, false);
    const r = await apiLatency.run(loadContext(healthy));
    expect(r.status, r.evidence.summary).toBe('pass');
    expect(healthy.windows.some((w) => typeof w.eventLoopP99 === 'number')).toBe(true);
    expect(report(healthy, [r])).toContain('<p id="generator-health">Load generator: <b class="s-pass">healthy</b>');
  });

  it("the app's own planted delay is judged as the app's", async () => {
    const slow = await run(slowApp, false);
    const r = await apiLatency.run(loadContext(slow));
    expect(r.status, r.evidence.summary).toBe('fail');
    expect(r.evidence.summary).not.toMatch(/generator/);
    expect(slow.endpoints.find((e) => e.name === 'page')?.latency.p95).toBeGreaterThanOrEqual(300);
  });
});
