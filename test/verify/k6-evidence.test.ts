/**
 * Reading k6's raw output: percentiles agree with k6's own exact ones, instances merge into exactly
 * the union, damaged files give messages with file and line, and the summary fallback says so.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import apiLatency from '../../verify/gates/api-latency.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { busyMachineLatency, type Fixtures, loadContext, makeFixtures } from './support/fixtures.ts';

let fx: Fixtures;

beforeAll(async () => {
  fx = await makeFixtures({ bad: false });
});
afterAll(async () => fx?.cleanup());

interface K6Trend {
  values: Record<string, number>;
}

function k6Summary(dir: string): Record<string, K6Trend> {
  return (JSON.parse(readFileSync(path.join(dir, 'k6-summary.json'), 'utf8')) as { metrics: Record<string, K6Trend> })
    .metrics;
}

function within(actual: number, expected: number, relative: number): boolean {
  // Sub-millisecond values are recorded to the microsecond, as k6 reports them.
  return Math.abs(actual - expected) <= Math.max(relative * Math.abs(expected), 0.002);
}

function emptyDir(name: string): string {
  const dir = path.join(fx.root, name);
  mkdirSync(dir);
  return dir;
}

describe('k6 raw output', () => {
  it("histogram percentiles agree with k6's exact summary percentiles within 1%", async () => {
    for (const dir of [fx.good, fx.good2]) {
      const load = await readLoadEvidence([dir]);
      const metrics = k6Summary(dir);
      expect(load.kind).toBe('raw');
      for (const endpoint of load.endpoints) {
        const exact = metrics[`http_req_duration{name:${endpoint.name}}`]!.values;
        expect(endpoint.latency.count).toBe(exact.count);
        for (const [mine, theirs] of [
          ['p50', 'p(50)'],
          ['p90', 'p(90)'],
          ['p95', 'p(95)'],
          ['p99', 'p(99)'],
          ['max', 'max'],
        ] as const) {
          const ok = within(endpoint.latency[mine], exact[theirs]!, 0.01);
          expect(ok, `${endpoint.name} ${mine}: ${endpoint.latency[mine]} vs k6 ${exact[theirs]}`).toBe(true);
        }
      }
      const overall = metrics.http_req_duration!.values;
      expect(within(load.overall.latency.p95, overall['p(95)']!, 0.01)).toBe(true);
      expect(load.iterations.completed).toBe(metrics.iterations!.values.count);
    }
  });

  it('merging two instances equals reading the union of their samples', async () => {
    const merged = await readLoadEvidence([fx.good, fx.good2]);
    const unionDir = emptyDir('union');
    const union = Buffer.concat([
      gunzipSync(readFileSync(path.join(fx.good, 'k6-raw.json.gz'))),
      gunzipSync(readFileSync(path.join(fx.good2, 'k6-raw.json.gz'))),
    ]);
    writeFileSync(path.join(unionDir, 'k6-raw.json.gz'), gzipSync(union));
    const single = await readLoadEvidence([unionDir]);
    expect(merged.sources.map((s) => s.instance)).toEqual(['gen-1', 'gen-2']);
    expect(merged.endpoints).toEqual(single.endpoints);
    expect(merged.overall).toEqual(single.overall);
    expect(merged.iterations.completed).toBe(single.iterations.completed);
    const [a, b] = await Promise.all([readLoadEvidence([fx.good]), readLoadEvidence([fx.good2])]);
    expect(merged.overall.requests).toBe(a.overall.requests + b.overall.requests);
    // Schedules add up across instances.
    expect(merged.iterations.scheduled).toBe(a.iterations.scheduled! + b.iterations.scheduled!);
  });

  it('a malformed line is named by file and line and makes the latency gate insufficient-data', async () => {
    const dir = emptyDir('malformed');
    const lines = gunzipSync(readFileSync(path.join(fx.good, 'k6-raw.json.gz')))
      .toString('utf8')
      .split('\n');
    lines.splice(6, 0, '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-');
    writeFileSync(path.join(dir, 'k6-raw.json.gz'), gzipSync(lines.join('\n')));
    const load = await readLoadEvidence([dir]);
    const problems = load.sources[0]!.problems;
    expect(problems[0]).toBe(
      `${path.join(dir, 'k6-raw.json.gz')}:7: not valid JSON (${problems[0]!.split('(').slice(1).join('(')}`,
    );
    const r = await apiLatency.run(loadContext(load));
    expect(r.status).toBe('insufficient-data');
    expect(r.evidence.summary).toContain('k6-raw.json.gz:7');
  });

  it('a file that is not k6 output at all is named, never a crash', async () => {
    const dir = emptyDir('garbage');
    writeFileSync(path.join(dir, 'k6-raw.json'), 'hello\nworld\n');
    const load = await readLoadEvidence([dir]);
    expect(load.sources[0]!.problems[0]).toMatch(/k6-raw\.json:1: not a k6 JSON output line/);
    const gz = emptyDir('bad-gzip');
    writeFileSync(path.join(gz, 'k6-raw.json.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const broken = await readLoadEvidence([gz]);
    expect(broken.sources[0]!.problems[0]).toMatch(
      /k6-raw\.json\.gz: the (gzip stream is truncated|file cannot be decompressed)/,
    );
  });

  it('a last line without newline is reported as cut off', async () => {
    const dir = emptyDir('cut-line');
    const text = gunzipSync(readFileSync(path.join(fx.good, 'k6-raw.json.gz'))).toString('utf8');
    writeFileSync(path.join(dir, 'k6-raw.json.gz'), gzipSync(text.slice(0, text.length - 30)));
    const load = await readLoadEvidence([dir]);
    const lineCount = text.split('\n').length - 1;
    expect(load.sources[0]!.problems).toEqual([
      `${path.join(dir, 'k6-raw.json.gz')}:${lineCount}: the last line is cut off (no newline at the end); the run's output is incomplete`,
    ]);
  });

  it("falls back to k6-summary.json without raw output, saying so, with k6's exact per-endpoint percentiles", async () => {
    const dir = emptyDir('summary-only');
    copyFileSync(path.join(fx.good, 'k6-summary.json'), path.join(dir, 'k6-summary.json'));
    copyFileSync(path.join(fx.good, 'load.json'), path.join(dir, 'load.json'));
    const load = await readLoadEvidence([dir]);
    expect(load.kind).toBe('summary');
    expect(load.windows).toEqual([]);
    const exact = k6Summary(fx.good)['http_req_duration{name:page}']!.values;
    expect(load.endpoints.find((e) => e.name === 'page')?.latency.p95).toBe(exact['p(95)']);
    const r = await apiLatency.run(loadContext(load, undefined, busyMachineLatency));
    expect(r.status).toBe('pass');
    expect(r.evidence.summary).toContain("From k6's end-of-test summary (no raw output found)");
    // The --summary-export shape (flat values) reads the same.
    const exportDir = emptyDir('export-only');
    copyFileSync(path.join(fx.good, 'k6-export.json'), path.join(exportDir, 'k6-summary.json'));
    const fromExport = await readLoadEvidence([exportDir]);
    expect(fromExport.endpoints.find((e) => e.name === 'page')?.latency.p95).toBe(exact['p(95)']);
  });

  it('summaries of several instances are not merged: insufficient-data with the reason', async () => {
    const dirs = ['s1', 's2'].map((name, i) => {
      const dir = emptyDir(name);
      copyFileSync(path.join(i === 0 ? fx.good : fx.good2, 'k6-summary.json'), path.join(dir, 'k6-summary.json'));
      return dir;
    });
    const load = await readLoadEvidence(dirs);
    const r = await apiLatency.run(loadContext(load));
    expect(r.status).toBe('insufficient-data');
    expect(r.evidence.summary).toContain('percentiles of several instances cannot be merged');
  });
});
