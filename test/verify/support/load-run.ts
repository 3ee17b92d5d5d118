/**
 * Real load output for verify's tests: a tiny HTTP server on a free port (routes that answer at once,
 * sleep, fail with 500 or refuse with 401) and a run of the kit's engine against it with raw output
 * (`k6-raw.json.gz`), the summary data (k6-summary.json, exact percentiles), the same summary in
 * k6's `--summary-export` shape (k6-export.json) and load.json, laid out like a folder written by
 * `npm run load`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ENGINE_NAME, type EngineScript, runEngine } from '../../../engine/run.ts';
import type { SummaryObject } from '../../../engine/summary-data.ts';
import { ENGINE_VERSION } from '../../../engine/version.ts';
import type { RequestSpec } from '../../../scenarios/lib/requests.ts';

export interface TestServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** /fast → 200; /slow?ms=N → 200 after N ms; /fail → 500; /own?deny=1 → 401, else 200; /others → 200 with body "2" (rows of another user). */
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
    else if (url.pathname === '/others') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('2');
    } else send(200);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ScenarioSpec {
  readonly name: string;
  /** iterations per second (constant-arrival-rate) */
  readonly rate: number;
  readonly seconds: number;
  /** VUs, all allocated up front so a good run never drops an iteration while k6 starts one */
  readonly maxVUs?: number;
  /**
   * requests each iteration makes, in order: path below the server and the k6 name tag; `leaks`
   * reads the body as the number of another user's rows served, as the scenarios' RLS probe counts them
   */
  readonly requests: readonly { readonly path: string; readonly name: string; readonly leaks?: true }[];
}

export interface RunSpec {
  readonly profile: string;
  readonly scenarios: readonly ScenarioSpec[];
  /** baseline (1x) rate per journey for load.json; omitted when undefined */
  readonly baselineRates?: Record<string, number>;
  readonly instance?: string;
  /** extra thresholds, as the scenarios declare them (breaching one makes the engine exit 99) */
  readonly thresholds?: Record<string, string[]>;
}

/** k6's default expected statuses: 200 to 399. */
const EXPECTED = Array.from({ length: 200 }, (_, i) => 200 + i);

function script(server: TestServer, spec: RunSpec, dir: string): EngineScript<undefined> {
  const scenarios = Object.fromEntries(
    spec.scenarios.map((s) => [
      s.name,
      {
        executor: 'constant-arrival-rate' as const,
        rate: s.rate,
        timeUnit: '1s',
        duration: `${s.seconds}s`,
        preAllocatedVUs: s.maxVUs ?? 10,
        maxVUs: s.maxVUs ?? 10,
        exec: s.name,
      },
    ]),
  );
  const names = [...new Set(spec.scenarios.flatMap((s) => s.requests.map((r) => r.name)))];
  // Sub-metric thresholds that always pass give exact per-endpoint percentiles in the summary; the
  // kit's counters are declared as the scenarios declare them, so the summary lists them at zero.
  const thresholds = {
    ...Object.fromEntries(names.map((n) => [`http_req_duration{name:${n}}`, ['max>=0']])),
    aclue_auth_failures: [],
    aclue_rls_leaks: [],
    ...spec.thresholds,
  };
  const exec = Object.fromEntries(
    spec.scenarios.map((s) => [
      s.name,
      async (rt: Parameters<EngineScript<undefined>['setup']>[0]) => {
        for (const r of s.requests) {
          const request: RequestSpec = {
            method: 'GET',
            url: server.url + r.path,
            headers: {},
            body: undefined,
            name: r.name,
            expected: EXPECTED,
            ownResource: false,
          };
          const reply = await rt.request(request, 30);
          rt.check({ 'status 2xx or 3xx': reply.status >= 200 && reply.status < 400 }, { name: r.name });
          if (reply.status === 401 || reply.status === 403) rt.add('aclue_auth_failures', 1, { name: r.name });
          if (r.leaks) {
            const rows = Number(reply.body ?? 0);
            if (rows > 0) rt.add('aclue_rls_leaks', rows, { name: r.name, operation: 'select' });
            rt.check({ 'no rows of another user': rows === 0 }, { name: r.name });
          }
        }
      },
    ]),
  );
  return {
    options: {
      scenarios,
      thresholds,
      summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'count'],
      tags: {},
      userAgent: 'kit-test',
    },
    customMetrics: [
      { name: 'aclue_auth_failures', type: 'counter', contains: 'default' },
      { name: 'aclue_rls_leaks', type: 'counter', contains: 'default' },
    ],
    setup: async () => undefined,
    exec,
    handleSummary: (data) => ({
      [path.join(dir, 'k6-summary.json')]: JSON.stringify(data),
      [path.join(dir, 'k6-export.json')]: JSON.stringify(summaryExport(data)),
    }),
  };
}

/** k6's `--summary-export` shape: each metric's values flat, a Rate's `rate` named `value`. */
function summaryExport(data: SummaryObject): { metrics: Record<string, Record<string, unknown>> } {
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [name, metric] of Object.entries(data.metrics)) {
    const { rate, ...rest } = metric.values as Record<string, number>;
    metrics[name] = metric.type === 'rate' ? { ...rest, value: rate } : { ...metric.values };
  }
  return { metrics };
}

/**
 * Runs the engine and returns the run folder (k6-raw.json.gz, k6-summary.json, k6-export.json,
 * load.json with the exit code). Exit 99 (thresholds breached) is a result to judge, not an error.
 */
export async function runLoad(server: TestServer, spec: RunSpec, parent?: string): Promise<string> {
  const dir = mkdtempSync(path.join(parent ?? os.tmpdir(), `${spec.profile}-`));
  const startedAt = new Date().toISOString();
  let log = '';
  const code = await runEngine(script(server, spec, dir), {
    rawOut: path.join(dir, 'k6-raw.json.gz'),
    log: (text) => (log += text),
    tty: false,
    stdout: () => undefined,
  });
  if (code !== 0 && code !== 99) throw new Error(`the engine exited ${code}: ${log.slice(-2000)}`);
  const ratePerJourney = Object.fromEntries(spec.scenarios.map((s) => [s.name, s.rate]));
  writeFileSync(
    path.join(dir, 'load.json'),
    JSON.stringify({
      profile: spec.profile,
      engine: { name: ENGINE_NAME, version: ENGINE_VERSION },
      command: `engine in-process (${spec.scenarios.map((s) => `${s.name} ${s.rate}/s for ${s.seconds}s`).join(', ')})`,
      startedAt,
      finishedAt: new Date().toISOString(),
      exitCode: code,
      targetUrl: server.url,
      ...(spec.instance ? { instance: spec.instance } : {}),
      scheduled: { iterations: spec.scenarios.reduce((a, s) => a + s.rate * s.seconds, 0), ratePerJourney },
      ...(spec.baselineRates ? { baselineRates: spec.baselineRates } : {}),
    }),
  );
  return dir;
}
