/**
 * A request that fails keeps the time it took, as k6 records it: a timed-out request lasts about its
 * timeout, a reset one until the reset; its samples carry k6's `error` and `error_code` tags and no
 * `proto`. So failures can no longer pull a percentile down.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, errorCode, failedPhases, VuHttp } from '../../engine/http.ts';
import { type EngineScript, runEngine } from '../../engine/run.ts';
import type { Runtime } from '../../scenarios/lib/runtime.ts';
import { type FailingServer, startFailingServer } from './support/failing-server.ts';

const TIMEOUT_MS = 400;
const RESET_MS = 150;
let server: FailingServer;

beforeAll(async () => {
  server = await startFailingServer(TIMEOUT_MS * 5, RESET_MS);
});
afterAll(() => server?.stop());

const get = (http: VuHttp, route: string) =>
  http.request({ method: 'GET', url: `${server.url}${route}`, headers: {}, body: undefined, timeoutMs: TIMEOUT_MS });

describe('failed requests in the engine HTTP client', () => {
  it('a request timed out by the client lasts until the timeout, spent waiting, code 1050', async () => {
    const http = new VuHttp('kit-test');
    await get(http, '/'); // warm connection: the timed-out request spends nothing on connecting
    const res = await get(http, '/slow');
    await http.close();
    expect(res.status).toBe(0);
    expect(res.error).toBe('request timeout');
    expect(res.errorCode).toBe(ERROR_CODES.timeout);
    // The timeout runs from when the request was queued (blocked, then sending and waiting).
    const duration = res.sending + res.waiting + res.receiving;
    expect(res.blocked + duration).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(res.waiting).toBeGreaterThan(TIMEOUT_MS * 0.9);
  });

  it('a connection reset by the server lasts until the reset, code 1220', async () => {
    const http = new VuHttp('kit-test');
    const res = await get(http, '/reset');
    await http.close();
    expect(res.status).toBe(0);
    expect(res.errorCode).toBe(ERROR_CODES.resetByPeer);
    expect(res.error).toMatch(/ECONNRESET|reset/);
    expect(res.waiting).toBeGreaterThanOrEqual(RESET_MS - 5);
    // a new connection: blocked includes connecting, as k6 defines it
    expect(res.blocked).toBeGreaterThanOrEqual(res.connecting);
    expect(res.connecting).toBeGreaterThan(0);
  });

  it('a refused connection is k6 code 1212, blocked and connecting until the refusal, no duration', async () => {
    const http = new VuHttp('kit-test');
    // a port nobody listens on: the server's, after it is stopped, would race; port 9 (discard) is closed here
    const res = await http.request({
      method: 'GET',
      url: 'http://127.0.0.1:9/',
      headers: {},
      body: undefined,
      timeoutMs: 2000,
    });
    await http.close();
    expect(res.errorCode).toBe(ERROR_CODES.dialRefused);
    expect(res.sending + res.waiting + res.receiving).toBe(0);
    expect(res.blocked).toBeGreaterThanOrEqual(res.connecting);
  });

  it('phases of a failure run to the error from where the request got', () => {
    // queued 0, connect 1..3, written 4..5, error at 105 without an answer
    expect(failedPhases(105, 0, 1, 2, 4, 5, 0)).toEqual({
      blocked: 4,
      connecting: 2,
      sending: 1,
      waiting: 100,
      receiving: 0,
    });
    // connecting never finished: blocked and connecting run to the error
    expect(failedPhases(50, 0, 10, 0, 0, 0, 0)).toEqual({
      blocked: 50,
      connecting: 40,
      sending: 0,
      waiting: 0,
      receiving: 0,
    });
    // the answer started: waiting to the first byte, receiving to the error
    expect(failedPhases(30, 0, 0, 0, 2, 3, 10).receiving).toBe(20);
  });

  it('classifies errors by their system code, as k6 numbers them', () => {
    const sys = (code: string, errno = -1) => Object.assign(new Error(code), { code, errno });
    expect(errorCode(sys('ECONNRESET'))).toBe(1220);
    expect(errorCode(sys('EPIPE'))).toBe(1201);
    expect(errorCode(Object.assign(new Error('x'), { cause: sys('ECONNREFUSED') }))).toBe(1212);
    expect(errorCode(sys('EMFILE'))).toBe(1202);
    expect(errorCode(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))).toBe(1000);
  });
});

interface Point {
  metric: string;
  value: number;
  tags: Record<string, string>;
}

/** One scenario: every fifth iteration's request times out, one in ten is reset, the rest answer at once. */
async function runAgainstFailures(): Promise<{ code: number; points: Point[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-failures-'));
  const script: EngineScript<undefined> = {
    options: {
      scenarios: {
        mixed: {
          executor: 'constant-arrival-rate',
          rate: 20,
          timeUnit: '1s',
          duration: '2s',
          preAllocatedVUs: 20,
          exec: 'mixed',
        },
      },
      // would pass with failures recorded at 0 ms: 70% of the requests answer at once
      thresholds: { http_req_duration: ['p(95)<300'] },
      summaryTrendStats: ['med', 'p(95)'],
      tags: {},
      userAgent: 'kit-test',
    },
    customMetrics: [],
    setup: async () => undefined,
    exec: {
      mixed: async (rt: Runtime, { number }) => {
        const route = number % 5 === 0 ? '/slow' : number % 10 === 1 ? '/reset' : '/';
        await rt.request(
          {
            method: 'GET',
            url: `${server.url}${route}`,
            headers: {},
            body: undefined,
            name: route,
            expected: [200],
            ownResource: false,
          },
          TIMEOUT_MS / 1000,
        );
      },
    },
    handleSummary: () => ({}),
  };
  const code = await runEngine(script, {
    rawOut: path.join(dir, 'raw.json.gz'),
    log: () => undefined,
    tty: false,
    stdout: () => undefined,
  });
  const points = gunzipSync(readFileSync(path.join(dir, 'raw.json.gz')))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"Point"'))
    .map((line) => JSON.parse(line) as { metric: string; data: { value: number; tags: Record<string, string> } })
    .map((p) => ({ metric: p.metric, value: p.data.value, tags: p.data.tags }));
  return { code, points };
}

describe('a run against a server that times out and resets', () => {
  it('records the real elapsed time with k6 tags, and breaches a p95 threshold it used to pass', async () => {
    const { code, points } = await runAgainstFailures();
    const durations = points.filter((p) => p.metric === 'http_req_duration');
    expect(durations.length).toBe(40);
    const timedOut = durations.filter((p) => p.tags.name === '/slow');
    expect(timedOut.length).toBe(8);
    // The timeout runs from when the request was queued: time spent blocked (waiting for, or
    // making, the VU's connection) comes out of it, as in k6. Each timed-out request lasted its
    // timeout in blocked plus duration, and most of it in its duration, never 0 ms.
    const blocked = points.filter((p) => p.metric === 'http_req_blocked' && p.tags.name === '/slow');
    expect(blocked.length).toBe(8);
    const sum = (ps: Point[]) => ps.reduce((a, p) => a + p.value, 0);
    expect(sum(timedOut) + sum(blocked)).toBeGreaterThanOrEqual(8 * (TIMEOUT_MS - 5));
    for (const p of timedOut) {
      expect(p.value).toBeGreaterThan(TIMEOUT_MS / 2);
      expect(p.tags).toMatchObject({
        status: '0',
        error: 'request timeout',
        error_code: '1050',
        expected_response: 'false',
      });
      expect(p.tags.proto).toBeUndefined();
    }
    const reset = durations.filter((p) => p.tags.name === '/reset');
    expect(reset.length).toBe(4);
    for (const p of reset) {
      expect(p.value).toBeGreaterThanOrEqual(RESET_MS - 5);
      expect(p.tags.error_code).toBe('1220');
      expect(p.tags.proto).toBeUndefined();
    }
    for (const p of durations.filter((d) => d.tags.name === '/')) {
      expect(p.tags.proto).toBe('HTTP/1.1');
      expect(p.tags.error_code).toBeUndefined();
    }
    // 30% of the requests are failures lasting >= 150 ms, 20% >= 400 ms: p95 is a timeout's
    expect(code).toBe(99);
  });
});
