/**
 * Real k6 output for verify's tests: a tiny HTTP server on a free port (routes that answer at once,
 * sleep, fail with 500 or refuse with 401) and a k6 run against it with `--out json=…gz`, its
 * handleSummary data (k6-summary.json, exact percentiles) and load.json, laid out like a folder
 * written by `npm run load`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../lib/config.ts';
import { exec } from '../../../lib/exec.ts';
import { findOrBuildK6 } from '../../../lib/k6-binary.ts';

export interface TestServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** /fast → 200; /slow?ms=N → 200 after N ms; /fail → 500; /own?deny=1 → 401, else 200. */
export async function startTestServer(): Promise<TestServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 400 ? 'ok' : 'error');
    };
    if (url.pathname === '/slow') setTimeout(() => send(200), Number(url.searchParams.get('ms') ?? 100));
    else if (url.pathname === '/fail') send(500);
    else if (url.pathname === '/own') send(url.searchParams.get('deny') ? 401 : 200);
    else send(200);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface ScenarioSpec {
  readonly name: string;
  /** iterations per second (constant-arrival-rate) */
  readonly rate: number;
  readonly seconds: number;
  /** VUs, all allocated up front so a good run never drops an iteration while k6 starts one */
  readonly maxVUs?: number;
  /** requests each iteration makes, in order: path below the server and the k6 name tag */
  readonly requests: readonly { readonly path: string; readonly name: string }[];
}

export interface RunSpec {
  readonly profile: string;
  readonly scenarios: readonly ScenarioSpec[];
  /** baseline (1x) rate per journey for load.json; omitted when undefined */
  readonly baselineRates?: Record<string, number>;
  readonly instance?: string;
}

function script(spec: RunSpec): string {
  const scenarios = Object.fromEntries(
    spec.scenarios.map((s) => [
      s.name,
      { executor: 'constant-arrival-rate', rate: s.rate, timeUnit: '1s', duration: `${s.seconds}s`, preAllocatedVUs: s.maxVUs ?? 10, maxVUs: s.maxVUs ?? 10, exec: s.name },
    ]),
  );
  const names = [...new Set(spec.scenarios.flatMap((s) => s.requests.map((r) => r.name)))];
  // Sub-metric thresholds that always pass make k6 report exact per-endpoint percentiles.
  const thresholds = Object.fromEntries(names.map((n) => [`http_req_duration{name:${n}}`, ['max>=0']]));
  const fns = spec.scenarios
    .map(
      (s) => `export function ${s.name}() {
${s.requests.map((r) => `  track(http.get(__ENV.BASE + ${JSON.stringify(r.path)}, { tags: { name: ${JSON.stringify(r.name)} } }), ${JSON.stringify(r.name)});`).join('\n')}
}`,
    )
    .join('\n');
  return `import http from 'k6/http';
import { Counter } from 'k6/metrics';
const authFailures = new Counter('aclue_auth_failures');
export const options = {
  scenarios: ${JSON.stringify(scenarios)},
  thresholds: ${JSON.stringify(thresholds)},
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'count'],
};
function track(res, name) {
  if (res.status === 401 || res.status === 403) authFailures.add(1, { name: name });
}
${fns}
export function handleSummary(data) {
  return { [__ENV.SUMMARY]: JSON.stringify(data) };
}
`;
}

/** Runs k6 and returns the run folder (k6-raw.json.gz, k6-summary.json, k6-export.json, load.json). */
export async function runK6(server: TestServer, spec: RunSpec, parent?: string): Promise<string> {
  const config = loadConfig();
  const k6 = await findOrBuildK6({ configured: config.k6Bin, cacheDir: config.cacheDir, log: () => undefined });
  const dir = mkdtempSync(path.join(parent ?? os.tmpdir(), `${spec.profile}-`));
  const scriptFile = path.join(dir, 'script.js');
  writeFileSync(scriptFile, script(spec));
  const startedAt = new Date().toISOString();
  const args = ['run', '--quiet', '--no-color', '--out', `json=${path.join(dir, 'k6-raw.json.gz')}`, '--summary-export', path.join(dir, 'k6-export.json'), scriptFile];
  const result = await exec(k6.path, args, {
    env: { ...process.env, BASE: server.url, SUMMARY: path.join(dir, 'k6-summary.json'), K6_NO_USAGE_REPORT: 'true' },
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`k6 exited ${result.code}: ${result.stderr.slice(-2000)}`);
  const ratePerJourney = Object.fromEntries(spec.scenarios.map((s) => [s.name, s.rate]));
  writeFileSync(
    path.join(dir, 'load.json'),
    JSON.stringify({
      profile: spec.profile,
      k6Version: k6.version,
      command: `k6 ${args.join(' ')}`,
      startedAt,
      finishedAt: new Date().toISOString(),
      targetUrl: server.url,
      ...(spec.instance ? { instance: spec.instance } : {}),
      scheduled: { iterations: spec.scenarios.reduce((a, s) => a + s.rate * s.seconds, 0), ratePerJourney },
      ...(spec.baselineRates ? { baselineRates: spec.baselineRates } : {}),
    }),
  );
  return dir;
}
