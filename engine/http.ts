/**
 * HTTP for one VU, as k6 does it: the VU's own keep-alive connection per origin (so connection
 * reuse, and the cost of a new connection, look like k6's), and per request the phases k6 reports:
 * blocked (waiting to be sent, including connecting), connecting, sending, waiting (to the first
 * byte of the answer), receiving, and the bytes on the wire. `http_req_duration` is sending +
 * waiting + receiving, as in k6: time spent blocked is not in it.
 *
 * A request that fails keeps the phases it got through, as k6's tracer records them: blocked and
 * connecting as far as they got, and, once the request was written, waiting until the error (a
 * timeout's duration is about the timeout). Errors carry k6's numeric error codes (errorCode).
 *
 * The HTTP/1.1 client is the kit's own (engine/http1-connection.ts, engine/http1-parser.ts): it
 * does what a VU needs and no more, which costs the load-generating machine a fraction of a
 * general-purpose client's CPU per request (`npm run bench -- load`).
 */

import { Connection, Exchange, type ExchangeOutcome } from './http1-connection.ts';

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpResult {
  /** 0 when no answer came; then `error` says why. */
  readonly status: number;
  readonly error: string;
  /** k6's error code: of the transport error, or of a 4xx/5xx status (1000 + status); 0 for none. */
  readonly errorCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** Phases in milliseconds. */
  readonly blocked: number;
  readonly connecting: number;
  readonly sending: number;
  readonly waiting: number;
  readonly receiving: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

/** A request's header lines after the request line, the same for every request with the same headers object. */
interface HeaderBlock {
  readonly text: string;
  readonly bytes: number;
}

/** Path and query as they go on the request line: visible ASCII only (the journeys encode their URLs). */
const REQUEST_TARGET = /^[\x21-\x7e]+$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Methods a server expects a body (or Content-Length: 0) with. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Go's transport sends these again when a reused connection closed before answering; k6 inherits it. */
const REPLAYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** A request of a VU: its Exchange on a connection, its timeout, and the promise the VU awaits. */
class VuRequest extends Exchange {
  readonly promise: Promise<HttpResult>;
  #resolve!: (result: HttpResult) => void;
  readonly #timer: NodeJS.Timeout;

  constructor(
    wire: string,
    wireBytes: number,
    headRequest: boolean,
    replayable: boolean,
    readonly connection: Connection,
    readonly signal: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    super(wire, wireBytes, headRequest, replayable);
    this.promise = new Promise<HttpResult>((resolve) => {
      this.#resolve = resolve;
    });
    this.#timer = setTimeout(timeOut, timeoutMs, this);
  }

  /** Ends the request where it is (timed out, interrupted): off its connection, with the phases it got through. */
  stop(message: string, code: number): void {
    this.connection.cancel(this);
    this.end({ status: 0, headers: {}, body: '', error: message, errorCode: code });
  }

  protected settled(outcome: ExchangeOutcome): void {
    clearTimeout(this.#timer);
    this.#resolve(result(this, outcome));
  }
}

/** k6's wording for a request that ran out of time. (A function of its own: no closure per request.) */
function timeOut(request: VuRequest): void {
  request.stop('request timeout', ERROR_CODES.timeout);
}

/** One VU's connections; close() when the VU is retired. */
export class VuHttp {
  readonly #origins = new Map<string, { connection: Connection; blocks: WeakMap<object, HeaderBlock | string> }>();
  /**
   * Signals listened to, once each: a VU passes the same signal to all its requests until it is
   * interrupted, and a listener per request would cost more than the request's parsing.
   */
  readonly #watched = new WeakSet<AbortSignal>();

  constructor(private readonly userAgent: string) {}

  request(req: HttpRequest): Promise<HttpResult> {
    const url = splitUrl(req.url);
    const target = url && REQUEST_TARGET.test(url.path) ? this.#origin(url.origin) : undefined;
    if (!url || !target)
      return Promise.resolve(failure(`invalid URL "${req.url}"`, ERROR_CODES.invalidUrl, EMPTY_PHASES, 0, 0));
    const block = this.#headerBlock(target.blocks, url.origin, req.headers);
    if (typeof block === 'string' || !TOKEN.test(req.method)) {
      const why = typeof block === 'string' ? block : `invalid method ${JSON.stringify(req.method)}`;
      return Promise.resolve(failure(why, ERROR_CODES.generic, EMPTY_PHASES, 0, 0));
    }
    const signal = req.signal;
    if (signal?.aborted) return Promise.resolve(failure('interrupted', ERROR_CODES.generic, EMPTY_PHASES, 0, 0));
    if (signal && !this.#watched.has(signal)) {
      this.#watched.add(signal);
      signal.addEventListener('abort', () => this.#interrupt(signal), { once: true });
    }
    const bodyBytes = req.body === undefined ? 0 : Buffer.byteLength(req.body);
    const length =
      req.body !== undefined || BODY_METHODS.has(req.method) ? `content-length: ${bodyBytes}\r\n\r\n` : '\r\n';
    const head = `${req.method} ${url.path} HTTP/1.1\r\n${block.text}${length}`;
    const request = new VuRequest(
      req.body === undefined ? head : head + req.body,
      // The request line is ASCII (checked above); header values may not be.
      head.length - block.text.length + block.bytes + bodyBytes,
      req.method === 'HEAD',
      req.body === undefined && REPLAYABLE_METHODS.has(req.method),
      target.connection,
      signal,
      req.timeoutMs,
    );
    target.connection.send(request);
    return request.promise;
  }

  /** Ends every request still running with `signal`. */
  #interrupt(signal: AbortSignal): void {
    for (const { connection } of this.#origins.values()) {
      for (const exchange of connection.pending()) {
        if ((exchange as VuRequest).signal === signal) (exchange as VuRequest).stop('interrupted', ERROR_CODES.generic);
      }
    }
  }

  /**
   * The request's header lines with Host and the user agent, built once per headers object and
   * origin: journeys reuse theirs across requests. Content-Length is the client's to write.
   * A string is why the headers cannot be sent (a line break in a value would smuggle a header).
   */
  #headerBlock(
    blocks: WeakMap<object, HeaderBlock | string>,
    origin: string,
    headers: Readonly<Record<string, string>>,
  ): HeaderBlock | string {
    let block = blocks.get(headers);
    if (block === undefined) {
      let host = `host: ${origin.slice(origin.indexOf('//') + 2)}\r\n`;
      let agent = `user-agent: ${this.userAgent}\r\n`;
      let rest = '';
      for (const [name, value] of Object.entries(headers)) {
        if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) {
          block = `invalid header ${JSON.stringify(name)}: ${JSON.stringify(value)}; expected a token name and a value without line breaks`;
          break;
        }
        const lower = name.toLowerCase();
        const line = `${name}: ${value}\r\n`;
        if (lower === 'host') host = line;
        else if (lower === 'user-agent') agent = line;
        else if (lower !== 'content-length' && lower !== 'transfer-encoding') rest += line;
      }
      if (block === undefined) {
        const text = host + agent + rest;
        block = { text, bytes: Buffer.byteLength(text) };
      }
      blocks.set(headers, block);
    }
    return block;
  }

  async close(): Promise<void> {
    for (const { connection } of this.#origins.values()) connection.close('interrupted');
    this.#origins.clear();
  }

  /** The connection and header blocks of an origin; undefined when its port is not one. */
  #origin(origin: string): { connection: Connection; blocks: WeakMap<object, HeaderBlock | string> } | undefined {
    let entry = this.#origins.get(origin);
    if (!entry) {
      const secure = origin.startsWith('https:');
      const hostPort = origin.slice(secure ? 8 : 7);
      const bracket = hostPort.lastIndexOf(']'); // an IPv6 address: [::1]:8080
      const colon = hostPort.lastIndexOf(':');
      const hasPort = colon > bracket;
      const host = hostPort.slice(0, hasPort ? colon : undefined).replace(/^\[|\]$/g, '');
      const port = hasPort ? Number(hostPort.slice(colon + 1)) : secure ? 443 : 80;
      if (!Number.isInteger(port) || port < 1 || port > 65535 || host === '') return undefined;
      entry = { connection: new Connection({ tls: secure, host, port }, classify), blocks: new WeakMap() };
      this.#origins.set(origin, entry);
    }
    return entry;
  }
}

/** An ended exchange as the VU records it: k6's phases, and 1000 + status as the code of a 4xx/5xx answer. */
function result(exchange: Exchange, outcome: ExchangeOutcome): HttpResult {
  const { queuedAt, connectStartedAt, connectMs, startedAt, sentAt, firstByteAt, endedAt } = exchange;
  if (outcome.error !== '') {
    return failure(
      outcome.error,
      outcome.errorCode,
      failedPhases(endedAt, queuedAt, connectStartedAt, connectMs, startedAt, sentAt, firstByteAt),
      exchange.bytesSent,
      exchange.bytesReceived,
    );
  }
  const status = outcome.status;
  return {
    status,
    error: '',
    errorCode: status >= 400 && status < 600 ? 1000 + status : 0,
    headers: outcome.headers,
    body: outcome.body,
    // k6's blocked runs until the connection is ready, so it includes connecting.
    blocked: startedAt - queuedAt,
    connecting: connectMs,
    sending: sentAt - startedAt,
    waiting: firstByteAt - sentAt,
    receiving: endedAt - firstByteAt,
    bytesSent: exchange.bytesSent,
    bytesReceived: exchange.bytesReceived,
  };
}

/**
 * Origin and path of an absolute http(s) URL by string search: the journeys build their URLs from a
 * base URL the settings checked, and a URL object per request is measurable cost at thousands a second.
 * @example splitUrl('http://127.0.0.1:54321/api/v1/x?y=1') // { origin: 'http://127.0.0.1:54321', path: '/api/v1/x?y=1' }
 */
export function splitUrl(url: string): { origin: string; path: string } | undefined {
  const scheme = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : 0;
  if (scheme === 0) return undefined;
  let end = scheme;
  for (let c = url.charCodeAt(end); end < url.length && c !== 0x2f && c !== 0x3f && c !== 0x23; ) {
    c = url.charCodeAt(++end); // up to '/', '?' or '#'
  }
  if (end === scheme) return undefined;
  if (url.lastIndexOf('@', end) >= scheme) return undefined; // credentials in the URL: not supported
  const hash = url.indexOf('#', end);
  const rest = hash < 0 ? url.slice(end) : url.slice(end, hash);
  return {
    origin: url.slice(0, end).toLowerCase(),
    path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest,
  };
}

type Phases = Pick<HttpResult, 'blocked' | 'connecting' | 'sending' | 'waiting' | 'receiving'>;

const EMPTY_PHASES: Phases = { blocked: 0, connecting: 0, sending: 0, waiting: 0, receiving: 0 };

/**
 * The phases of a request that failed at `at`: each phase runs until the next began or the error
 * came. Connecting that never finished counts to the error; so does blocked, which includes it.
 */
export function failedPhases(
  at: number,
  queuedAt: number,
  connectStartedAt: number,
  connectMs: number,
  startedAt: number,
  sentAt: number,
  firstByteAt: number,
): Phases {
  const connecting = connectMs > 0 ? connectMs : connectStartedAt > 0 && !startedAt ? at - connectStartedAt : 0;
  if (!startedAt) return { ...EMPTY_PHASES, blocked: Math.max(0, at - queuedAt), connecting: Math.max(0, connecting) };
  const blocked = Math.max(0, startedAt - queuedAt);
  if (!sentAt) return { ...EMPTY_PHASES, blocked, connecting, sending: at - startedAt };
  if (!firstByteAt) return { ...EMPTY_PHASES, blocked, connecting, sending: sentAt - startedAt, waiting: at - sentAt };
  return {
    blocked,
    connecting,
    sending: sentAt - startedAt,
    waiting: firstByteAt - sentAt,
    receiving: at - firstByteAt,
  };
}

/** k6's documented error codes for the errors the engine can meet. */
export const ERROR_CODES = {
  generic: 1000,
  invalidUrl: 1020,
  timeout: 1050,
  dnsGeneric: 1100,
  dnsNoIp: 1101,
  tcpGeneric: 1200,
  brokenPipe: 1201,
  tcpUnknownErrno: 1202,
  dialGeneric: 1210,
  dialTimeout: 1211,
  dialRefused: 1212,
  resetByPeer: 1220,
} as const;

const CODE_OF_ERRNO: Readonly<Record<string, number>> = {
  ECONNRESET: ERROR_CODES.resetByPeer,
  ECONNREFUSED: ERROR_CODES.dialRefused,
  ETIMEDOUT: ERROR_CODES.dialTimeout,
  EPIPE: ERROR_CODES.brokenPipe,
  ENOTFOUND: ERROR_CODES.dnsNoIp,
  EAI_AGAIN: ERROR_CODES.dnsGeneric,
  EHOSTUNREACH: ERROR_CODES.dialGeneric,
  ENETUNREACH: ERROR_CODES.dialGeneric,
};

/**
 * k6's code for a transport error: by the system error's code (its own or its cause's); another
 * error from the operating system (an errno) is k6's "unknown TCP error"; the rest are generic
 * (a server closing the connection without an answer among them).
 */
export function errorCode(error: Error): number {
  const cause = (error as { cause?: unknown }).cause as { code?: string; errno?: number } | undefined;
  for (const e of [error as { code?: string; errno?: number }, cause]) {
    const known = e?.code === undefined ? undefined : CODE_OF_ERRNO[e.code];
    if (known !== undefined) return known;
  }
  const errno = (error as { errno?: number }).errno ?? cause?.errno;
  return typeof errno === 'number' ? ERROR_CODES.tcpUnknownErrno : ERROR_CODES.generic;
}

function failure(
  error: string,
  errorCode: number,
  phases: Phases,
  bytesSent: number,
  bytesReceived: number,
): HttpResult {
  return { status: 0, error, errorCode, headers: {}, body: '', ...phases, bytesSent, bytesReceived };
}

/** A transport error in k6's terms: one line (the system call's words when there is one, ECONNREFUSED …) and its code. */
function classify(error: Error): { message: string; code: number } {
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: string }).code;
  const message =
    cause instanceof Error && cause.message
      ? cause.message
      : code && !error.message.includes(code)
        ? `${error.message} (${code})`
        : error.message;
  return { message, code: errorCode(error) };
}
