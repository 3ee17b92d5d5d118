/**
 * A deterministic k6-like `--out json` stream for benchmarks: the same line shapes, metric mix and
 * tag sets k6 v2 writes (per request: http_reqs, http_req_duration and its six phase trends,
 * http_req_failed; per iteration: data_sent, data_received, iteration_duration, iterations; vus and
 * vus_max every second; an occasional aclue_writes). Two requests per iteration put ~9% of lines on
 * http_req_duration, as in the scenarios' runs. Same parameters → same bytes.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const ENDPOINTS = [
  { name: 'products_list', method: 'GET', path: '/api/v1/products/' },
  { name: 'product_detail', method: 'GET', path: '/api/v1/products/{id}' },
  { name: 'swipe_create', method: 'POST', path: '/api/v1/swipes/' },
  { name: 'recommendations_list', method: 'GET', path: '/api/v1/recommendations/' },
  { name: 'affiliate_click', method: 'POST', path: '/api/v1/affiliate/clicks/' },
  { name: 'rest_swipe_interactions', method: 'GET', path: '/rest/v1/swipe_interactions' },
] as const;
const PHASES = [
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
] as const;
const DECLARED = [
  'http_reqs',
  'http_req_duration',
  ...PHASES,
  'http_req_failed',
  'data_sent',
  'data_received',
  'iteration_duration',
  'iterations',
  'vus',
  'vus_max',
  'aclue_writes',
];

/** Iterations per second of simulated load (sets the time stamps, and so the number of windows). */
const RATE = 400;
const START = Date.UTC(2026, 0, 1, 0, 0, 0);

export interface SyntheticOptions {
  readonly lines: number;
  readonly seed?: number;
}

/** Yields chunks of NDJSON text, ending exactly after `lines` lines. */
export function* syntheticLines(options: SyntheticOptions): Generator<string> {
  let state = (options.seed ?? 42) >>> 0;
  // xorshift32: fast, deterministic, good enough for latency shapes.
  const random = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  let emitted = 0;
  let buffer: string[] = [];
  const push = (line: string) => {
    if (emitted >= options.lines) return;
    buffer.push(line);
    emitted += 1;
  };
  let lastSecond = -1;
  let prefix = '';
  const time = (ms: number, nanos: number) => {
    const second = Math.floor(ms / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      prefix = new Date(second * 1000).toISOString().slice(0, 19);
    }
    return `${prefix}.${String(Math.floor(ms % 1000)).padStart(3, '0')}${String(nanos).padStart(6, '0')}Z`;
  };
  const point = (metric: string, t: string, value: number | string, tags: string) =>
    `{"metric":"${metric}","type":"Point","data":{"time":"${t}","value":${value},"tags":${tags}}}\n`;

  for (const name of DECLARED) {
    const type =
      name.startsWith('http_req_') && name !== 'http_req_failed'
        ? 'trend'
        : name === 'http_req_failed'
          ? 'rate'
          : name.startsWith('vus')
            ? 'gauge'
            : 'counter';
    push(
      `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"default","thresholds":[],"submetrics":null},"metric":"${name}"}\n`,
    );
  }
  let iteration = 0;
  while (emitted < options.lines) {
    const ms = START + (iteration * 1000) / RATE;
    const nanos = Math.floor(random() * 999_999);
    const t = time(ms, nanos);
    if (iteration % RATE === 0) {
      const vus = 40 + Math.floor(random() * 20);
      push(point('vus', t, vus, '{}'));
      push(point('vus_max', t, 80, '{}'));
    }
    const scenario = iteration % 3 === 0 ? 'shopper' : iteration % 3 === 1 ? 'swiper' : 'browser';
    for (let r = 0; r < 2; r++) {
      const e = ENDPOINTS[Math.floor(random() * ENDPOINTS.length)]!;
      const failed = random() < 0.0005;
      const status = failed ? '500' : e.method === 'POST' ? '201' : '200';
      const tags = `{"expected_response":"${failed ? 'false' : 'true'}","group":"","method":"${e.method}","name":"${e.name}","proto":"HTTP/1.1","scenario":"${scenario}","status":"${status}","url":"http://127.0.0.1:54321${e.path}"}`;
      // Log-normal-ish latency with a thin slow tail (ms, microsecond resolution like k6's).
      const base = Math.exp(2 + 1.2 * random() * random()) * (random() < 0.01 ? 12 : 1);
      const duration = Math.round(base * 1000) / 1000;
      push(point('http_reqs', t, 1, tags));
      push(point('http_req_duration', t, duration, tags));
      push(point('http_req_blocked', t, Math.round(random() * 20) / 1000, tags));
      push(point('http_req_connecting', t, 0, tags));
      push(point('http_req_tls_handshaking', t, 0, tags));
      push(point('http_req_sending', t, Math.round(random() * 50) / 1000, tags));
      push(point('http_req_waiting', t, Math.round(duration * 0.95 * 1000) / 1000, tags));
      push(point('http_req_receiving', t, Math.round(duration * 0.04 * 1000) / 1000, tags));
      push(point('http_req_failed', t, failed ? 1 : 0, tags));
    }
    const itTags = `{"group":"","scenario":"${scenario}"}`;
    if (iteration % 10 === 0)
      push(point('aclue_writes', t, 1, `{"entity":"swipe","group":"","id":"s-${iteration}","scenario":"${scenario}"}`));
    push(point('data_sent', t, 600 + Math.floor(random() * 200), itTags));
    push(point('data_received', t, 4000 + Math.floor(random() * 4000), itTags));
    push(point('iteration_duration', t, Math.round(random() * 200_000) / 1000, itTags));
    push(point('iterations', t, 1, itTags));
    iteration += 1;
    if (buffer.length >= 4096) {
      yield buffer.join('');
      buffer = [];
    }
  }
  if (buffer.length > 0) yield buffer.join('');
}

/** Writes the stream gzipped to `file` (via a temp name, so an interrupted run leaves no file). */
export async function writeSyntheticOutput(file: string, options: SyntheticOptions): Promise<void> {
  const temp = `${file}.partial`;
  await pipeline(Readable.from(syntheticLines(options)), createGzip({ level: 6 }), createWriteStream(temp));
  await rename(temp, file);
}
