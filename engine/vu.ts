/**
 * A virtual user of the kit's engine and the journeys' Runtime over it: requests through the VU's
 * own connections with every k6 HTTP metric recorded, checks, the kit's custom metrics, think time
 * and HMAC signing. Everything it records carries the iteration's tags (test-wide tags, the
 * scenario's tags, `scenario` and `group`), as k6 tags samples.
 */
import { createHmac } from 'node:crypto';
import { headerOf } from '../scenarios/lib/http.ts';
import type { CustomMetricName } from '../scenarios/lib/metrics.ts';
import type { RequestSpec } from '../scenarios/lib/requests.ts';
import { parseJson } from '../scenarios/lib/responses.ts';
import type { Reply, Runtime, Tags } from '../scenarios/lib/runtime.ts';
import { type HttpResult, VuHttp } from './http.ts';
import { type Metrics, ns } from './metrics.ts';
import { sampleTimeNow } from './raw-output.ts';

/** Thrown into a journey whose iteration was stopped (end of graceful stop, aborted run). */
export class Interrupted extends Error {
  constructor() {
    super('iteration interrupted');
    this.name = 'Interrupted';
  }
}

/** Passes and fails per check name, in the order checks were first seen. */
export type CheckTally = Map<string, { passes: number; fails: number }>;

export interface VuShared {
  readonly metrics: Metrics;
  readonly checks: CheckTally;
  readonly userAgent: string;
  /** Requests sent and those that failed, for the progress line. */
  readonly tally: { requests: number; failed: number };
  /** A warning for the run's log (the iteration goes on). */
  warn(text: string): void;
}

export class Vu implements Runtime {
  readonly http: VuHttp;
  /** Tags of the current iteration (or of setup). */
  tags: Tags = {};
  /**
   * Aborted by `interrupt()`; a VU keeps one until then, so its requests share one signal (one
   * abort listener for the VU's life, not one per request).
   */
  #controller = new AbortController();
  bytesSent = 0;
  bytesReceived = 0;
  readonly #tagCache = new Map<string, Map<string, Map<number, Tags>>>();
  #tagsFor: Tags | undefined;

  constructor(
    readonly id: number,
    private readonly shared: VuShared,
  ) {
    this.http = new VuHttp(shared.userAgent);
  }

  /** Starts an iteration with its tags; a VU interrupted before gets a signal that is not aborted. */
  begin(tags: Tags): void {
    this.tags = tags;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
  }

  /** Stops what the VU is doing: its requests end as interrupted, its sleep and its iteration throw Interrupted. */
  interrupt(): void {
    this.#controller.abort();
  }

  get interrupted(): boolean {
    return this.#controller.signal.aborted;
  }

  async request(spec: RequestSpec, timeoutSeconds: number): Promise<Reply> {
    const signal = this.#controller.signal;
    const res = await this.http.request({
      method: spec.method,
      url: spec.url,
      headers: spec.headers,
      body: spec.body,
      timeoutMs: timeoutSeconds * 1000,
      signal,
    });
    if (signal.aborted) throw new Interrupted();
    this.bytesSent += res.bytesSent;
    this.bytesReceived += res.bytesReceived;
    const expected = spec.expected.includes(res.status);
    this.shared.tally.requests++;
    if (!expected) this.shared.tally.failed++;
    const tags = this.#requestTags(spec, res.status, expected, res.error, res.errorCode);
    const m = this.shared.metrics;
    const at = sampleTimeNow();
    m.add('http_reqs', 1, tags, at);
    // Nanosecond resolution, as k6 records durations (and shorter lines to write).
    m.add('http_req_duration', ns(res.sending + res.waiting + res.receiving), tags, at);
    m.add('http_req_blocked', ns(res.blocked), tags, at);
    m.add('http_req_connecting', ns(res.connecting), tags, at);
    m.add('http_req_tls_handshaking', 0, tags, at);
    m.add('http_req_sending', ns(res.sending), tags, at);
    m.add('http_req_waiting', ns(res.waiting), tags, at);
    m.add('http_req_receiving', ns(res.receiving), tags, at);
    m.add('http_req_failed', expected ? 0 : 1, tags, at);
    return new EngineReply(spec.name, res);
  }

  /**
   * One tags object per kind of answer and iteration tags, reused: the raw output serialises a tags
   * object once, so a fresh object per request would cost that work on every request. As k6 tags
   * them: an answer of 4xx/5xx carries `error_code`; a transport error has no `proto` (no answer
   * came) but `error` and `error_code`.
   */
  #requestTags(spec: RequestSpec, status: number, expected: boolean, error: string, errorCode: number): Tags {
    if (error)
      return {
        ...this.tags,
        name: spec.name,
        method: spec.method,
        status: String(status),
        expected_response: String(expected),
        error,
        error_code: String(errorCode),
      };
    if (this.#tagsFor !== this.tags) {
      this.#tagCache.clear();
      this.#tagsFor = this.tags;
    }
    // By name, method, then status and expectation as one number: no key string to build and hash per request.
    let byMethod = this.#tagCache.get(spec.name);
    if (!byMethod) this.#tagCache.set(spec.name, (byMethod = new Map()));
    let byAnswer = byMethod.get(spec.method);
    if (!byAnswer) byMethod.set(spec.method, (byAnswer = new Map()));
    const key = status * 2 + (expected ? 1 : 0);
    let tags = byAnswer.get(key);
    if (!tags) {
      tags = {
        ...this.tags,
        name: spec.name,
        method: spec.method,
        status: String(status),
        proto: 'HTTP/1.1',
        expected_response: String(expected),
        ...(errorCode ? { error_code: String(errorCode) } : {}),
      };
      byAnswer.set(key, tags);
    }
    return tags;
  }

  sleep(seconds: number): Promise<void> {
    const signal = this.#controller.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Interrupted());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Interrupted());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, seconds * 1000);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  check(results: Readonly<Record<string, boolean>>, tags: Tags): void {
    for (const [name, ok] of Object.entries(results)) {
      let tally = this.shared.checks.get(name);
      if (!tally) this.shared.checks.set(name, (tally = { passes: 0, fails: 0 }));
      if (ok) tally.passes++;
      else tally.fails++;
      this.shared.metrics.add('checks', ok ? 1 : 0, { ...this.tags, ...tags, check: name });
    }
  }

  add(metric: CustomMetricName, value: number, tags: Tags): void {
    // As k6: a value that is not a number is left out with a warning, and the iteration goes on.
    if (!Number.isFinite(value)) {
      this.shared.warn(`metric ${metric}: ${value} is not a number; the sample is left out`);
      return;
    }
    this.shared.metrics.add(metric, value, { ...this.tags, ...tags });
  }

  hmacSha256Hex(secret: string, message: string): string {
    return createHmac('sha256', secret).update(message).digest('hex');
  }

  /** Emits the bytes this VU moved since the last call (k6 reports them per iteration). */
  flushData(): void {
    const m = this.shared.metrics;
    const at = sampleTimeNow();
    m.add('data_sent', this.bytesSent, this.tags, at);
    m.add('data_received', this.bytesReceived, this.tags, at);
    this.bytesSent = 0;
    this.bytesReceived = 0;
  }
}

/** An answer as the journeys read it; a class, so a request allocates no closures for it. */
class EngineReply implements Reply {
  readonly name: string;
  readonly status: number;
  readonly error: string;
  readonly body: string | undefined;
  readonly #headers: HttpResult['headers'];
  #json: unknown;
  #parsed = false;

  constructor(name: string, res: HttpResult) {
    this.name = name;
    this.status = res.status;
    this.error = res.error;
    this.body = res.status === 0 ? undefined : res.body;
    this.#headers = res.headers;
  }

  /** Parsed when a journey reads it, not for every answer. */
  get json(): unknown {
    if (!this.#parsed) {
      this.#json = parseJson(this.body);
      this.#parsed = true;
    }
    return this.#json;
  }

  header(name: string): string | undefined {
    return headerOf(this.#headers, name);
  }
}
