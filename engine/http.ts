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
 */

import type { Socket } from 'node:net';
import { buildConnector, Client, type Dispatcher } from 'undici';

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

const now = () => performance.now();

/** One VU's connections; close() when the VU is retired. */
export class VuHttp {
  readonly #clients = new Map<string, { client: Client; state: ConnectionState }>();
  readonly #headerLists = new WeakMap<object, string[]>();

  constructor(private readonly userAgent: string) {}

  request(req: HttpRequest): Promise<HttpResult> {
    const url = splitUrl(req.url);
    if (!url) return Promise.resolve(failure(`invalid URL "${req.url}"`, ERROR_CODES.invalidUrl, EMPTY_PHASES, 0, 0));
    const { client, state } = this.#client(url.origin);
    const queuedAt = now();
    state.connectMs = 0;
    state.connectStartedAt = 0;
    const socketBefore = state.socket;
    const sentBefore = socketBefore?.bytesWritten ?? 0;
    const readBefore = socketBefore?.bytesRead ?? 0;
    return new Promise<HttpResult>((resolve) => {
      let startedAt = 0;
      let sentAt = 0;
      let firstByteAt = 0;
      let status = 0;
      let headers: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let controller: Dispatcher.DispatchController | undefined;
      let done = false;
      const finish = (result: HttpResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      // A new connection (the first, or after the server closed the old one) counts from zero.
      const bytes = () => {
        const same = state.socket === socketBefore;
        return {
          sent: (state.socket?.bytesWritten ?? 0) - (same ? sentBefore : 0),
          read: (state.socket?.bytesRead ?? 0) - (same ? readBefore : 0),
        };
      };
      const fail = (message: string, code: number) => {
        const b = bytes();
        const at = now();
        finish(
          failure(
            message,
            code,
            failedPhases(at, queuedAt, state.connectStartedAt, state.connectMs, startedAt, sentAt, firstByteAt),
            Math.max(0, b.sent),
            Math.max(0, b.read),
          ),
        );
      };
      // k6's wording for a request that ran out of time. Recorded before aborting: the abort
      // reports itself synchronously through onResponseError, which must not win.
      const timer = setTimeout(() => {
        fail('request timeout', ERROR_CODES.timeout);
        controller?.abort(new Error('request timeout'));
      }, req.timeoutMs);
      const onAbort = () => {
        fail('interrupted', ERROR_CODES.generic);
        controller?.abort(new Error('interrupted'));
      };
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener('abort', onAbort, { once: true });

      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          startedAt = now();
        },
        onRequestSent() {
          sentAt = now();
        },
        onResponseStarted() {
          firstByteAt = now();
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          if (!firstByteAt) firstByteAt = now();
          status = statusCode;
          headers = responseHeaders as Record<string, string | string[] | undefined>;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          const end = now();
          const sent = sentAt || startedAt;
          const b = bytes();
          finish({
            status,
            error: '',
            errorCode: status >= 400 && status < 600 ? 1000 + status : 0,
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
            // k6's blocked runs until the connection is ready, so it includes connecting.
            blocked: Math.max(0, startedAt - queuedAt),
            connecting: state.connectMs,
            sending: sent - startedAt,
            waiting: firstByteAt - sent,
            receiving: end - firstByteAt,
            bytesSent: b.sent,
            bytesReceived: b.read,
          });
        },
        onResponseError(_c, error) {
          fail(describe(error), errorCode(error));
        },
      };
      const path = url.path;
      client.dispatch(
        {
          method: req.method as Dispatcher.HttpMethod,
          path,
          headers: this.#headerList(req.headers),
          body: req.body ?? null,
          // The overall timeout above decides; undici's own would only answer with other words.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    });
  }

  /**
   * The request's headers with the user agent, as the flat list undici takes, built once per
   * headers object: journeys reuse theirs across requests, and a fresh object per request is
   * measurable at thousands a second.
   */
  #headerList(headers: Readonly<Record<string, string>>): string[] {
    let list = this.#headerLists.get(headers);
    if (!list) {
      list = ['user-agent', this.userAgent];
      for (const [name, value] of Object.entries(headers)) {
        if (name.toLowerCase() === 'user-agent') list[1] = value;
        else list.push(name, value);
      }
      this.#headerLists.set(headers, list);
    }
    return list;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map(({ client }) => client.destroy().catch(() => undefined)));
    this.#clients.clear();
  }

  #client(origin: string): { client: Client; state: ConnectionState } {
    let entry = this.#clients.get(origin);
    if (!entry) {
      const state: ConnectionState = { connectMs: 0, connectStartedAt: 0, socket: undefined };
      const connect = buildConnector({});
      const client = new Client(origin, {
        pipelining: 1,
        keepAliveTimeout: 60_000,
        connect: (options, callback) => {
          const started = now();
          state.connectStartedAt = started;
          connect(options, (...args) => {
            state.connectMs = now() - started;
            if (args[1]) state.socket = args[1];
            callback(...args);
          });
        },
      });
      entry = { client, state };
      this.#clients.set(origin, entry);
    }
    return entry;
  }
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
  while (end < url.length && url[end] !== '/' && url[end] !== '?' && url[end] !== '#') end++;
  if (end === scheme) return undefined;
  const rest = url.slice(end).split('#')[0]!;
  return {
    origin: url.slice(0, end).toLowerCase(),
    path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest,
  };
}

interface ConnectionState {
  connectMs: number;
  /** When the connection of the current request began to be made; 0 when it reused one. */
  connectStartedAt: number;
  socket: Socket | undefined;
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
  UND_ERR_CONNECT_TIMEOUT: ERROR_CODES.dialTimeout,
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

/** A transport error as one line: the system call's words when there is one (ECONNREFUSED …). */
function describe(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: string }).code;
  if (cause instanceof Error && cause.message) return cause.message;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
