/**
 * One VU's keep-alive HTTP/1.1 connection to one origin (engine/http.ts keeps one per origin, as
 * k6 does): requests take turns on it, one on the wire at a time (no pipelining), and one waiting
 * its turn is "blocked". A connection the server closed, or that failed, is replaced by a new one
 * for the next request. TLS for https origins (node:tls, verified against the system's CAs).
 *
 * Each request is an Exchange that records its own timings and bytes, so a failure at any point
 * reports the phases it got through (engine/http.ts `failedPhases`). As Go's transport does for
 * k6, a GET/HEAD/OPTIONS/TRACE whose reused connection closes before any byte of the answer is
 * sent again once on a new connection: the server closed an idle connection as the request went out.
 */
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { ResponseParser } from './http1-parser.ts';

/** How a request ended, for engine/http.ts to turn into its HttpResult. */
export interface ExchangeOutcome {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: string;
  /** '' on success; then `errorCode` is 0. */
  readonly error: string;
  readonly errorCode: number;
}

const now = () => performance.now();

/**
 * One request on its way: what goes on the wire, and what happened to it, in performance.now()
 * times. The owner (engine/http.ts) learns the outcome through `settled`, once.
 */
export abstract class Exchange {
  readonly queuedAt = now();
  /** When the connection this request waited for began to be made; 0 when it reused one. */
  connectStartedAt = 0;
  connectMs = 0;
  startedAt = 0;
  sentAt = 0;
  firstByteAt = 0;
  endedAt = 0;
  bytesSent = 0;
  bytesReceived = 0;
  /** Written on a connection that had carried a request before. */
  reused = false;
  retried = false;
  done = false;

  constructor(
    /** The request's head and body, as written. */
    readonly wire: string,
    readonly wireBytes: number,
    readonly headRequest: boolean,
    /** May be sent again when a reused connection closes before answering (an idempotent method without body). */
    readonly replayable: boolean,
  ) {}

  protected abstract settled(outcome: ExchangeOutcome): void;

  /** Settles once; later events (a response after a timeout) are ignored. */
  end(outcome: ExchangeOutcome): void {
    if (this.done) return;
    this.done = true;
    this.endedAt = now();
    this.settled(outcome);
  }

  /** Back to the queue for another attempt: the time so far stays in `blocked`. */
  rewind(): void {
    this.retried = true;
    this.connectStartedAt = this.connectMs = this.startedAt = this.sentAt = this.firstByteAt = 0;
  }
}

/**
 * One buffer for every socket's reads: a read is handed over and parsed before the next read
 * fills it, so 1,000 VUs' connections need no buffer each and a read allocates nothing.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

interface Origin {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
}

type TransportFailure = (error: Error) => { message: string; code: number };

export class Connection {
  #socket: Socket | undefined;
  #connected = false;
  /** Responses completed on the current socket. */
  #served = 0;
  #connectFor: Exchange | undefined;
  #active: Exchange | undefined;
  readonly #queue: Exchange[] = [];
  readonly #parser = new ResponseParser();

  constructor(
    private readonly origin: Origin,
    /** k6's words and code for a transport error (engine/http.ts). */
    private readonly classify: TransportFailure,
  ) {}

  send(exchange: Exchange): void {
    this.#queue.push(exchange);
    this.#pump();
  }

  /** Takes a request off the connection (timed out, aborted); one on the wire, or being connected for, takes the socket with it. */
  cancel(exchange: Exchange): void {
    if (exchange === this.#active) {
      this.#active = undefined;
      this.#drop();
    } else {
      const index = this.#queue.indexOf(exchange);
      if (index >= 0) this.#queue.splice(index, 1);
      if (exchange === this.#connectFor) this.#drop();
    }
    this.#pump();
  }

  /** The requests on this connection that have not ended: the one on the wire and those waiting. */
  pending(): Exchange[] {
    return this.#active ? [this.#active, ...this.#queue] : [...this.#queue];
  }

  /** Closes the socket; requests still waiting end with `message`. */
  close(message: string): void {
    const waiting = this.pending();
    this.#queue.length = 0;
    this.#active = undefined;
    this.#drop();
    for (const exchange of waiting) exchange.end(failure(message, 1000));
  }

  #pump(): void {
    if (this.#active !== undefined || this.#queue.length === 0) return;
    const socket = this.#socket;
    if (socket === undefined) {
      this.#connect(this.#queue[0]!);
      return;
    }
    if (!this.#connected) return;
    const exchange = this.#queue.shift()!;
    this.#active = exchange;
    exchange.reused = this.#served > 0;
    this.#parser.begin(exchange.headRequest);
    exchange.startedAt = now();
    socket.write(exchange.wire);
    exchange.bytesSent += exchange.wireBytes;
    exchange.sentAt = now();
  }

  #connect(exchange: Exchange): void {
    const { origin } = this;
    this.#connectFor = exchange;
    exchange.connectStartedAt = now();
    const onread = { buffer: READ_BUFFER, callback: (n: number): boolean => this.#onRead(socket, n) };
    const options = { host: origin.host, port: origin.port, noDelay: true, keepAlive: true, onread };
    const socket: Socket = origin.tls
      ? tls.connect({
          ...options,
          // SNI takes a name, never an address.
          ...(net.isIP(origin.host) === 0 ? { servername: origin.host } : {}),
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect(options);
    // The request's own timer keeps the process alive while it waits; an idle connection must not.
    socket.unref();
    this.#socket = socket;
    this.#connected = false;
    this.#served = 0;
    socket.once(origin.tls ? 'secureConnect' : 'connect', () => {
      if (socket !== this.#socket) return;
      this.#connected = true;
      const first = this.#connectFor;
      this.#connectFor = undefined;
      if (first) first.connectMs = now() - first.connectStartedAt;
      this.#pump();
    });
    socket.on('end', () => this.#onEnd(socket));
    socket.on('error', (error: Error) => this.#onError(socket, error));
    socket.on('close', () => this.#onEnd(socket));
  }

  /** Returns false to stop reading when the bytes belong to no request. */
  #onRead(socket: Socket, n: number): boolean {
    if (socket !== this.#socket) return false;
    const exchange = this.#active;
    if (exchange === undefined) {
      // Bytes no request asked for: whatever the server means, the connection is out of step.
      this.#drop();
      return false;
    }
    if (exchange.firstByteAt === 0) exchange.firstByteAt = now();
    exchange.bytesReceived += n;
    let complete: boolean;
    try {
      complete = this.#parser.feed(READ_BUFFER, 0, n);
    } catch (error) {
      this.#active = undefined;
      this.#drop();
      exchange.end(failure(`malformed HTTP response: ${(error as Error).message}`, 1000));
      this.#pump();
      return false;
    }
    if (complete) this.#complete(exchange);
    return true;
  }

  #complete(exchange: Exchange): void {
    const parser = this.#parser;
    this.#active = undefined;
    this.#served++;
    if (!parser.keepAlive || parser.extra) this.#drop();
    exchange.end({ status: parser.status, headers: parser.headers, body: parser.body, error: '', errorCode: 0 });
    this.#pump();
  }

  /** The server closed the connection (or it closed under us): that may end a body without length. */
  #onEnd(socket: Socket): void {
    if (socket !== this.#socket) return;
    if (!this.#connected) {
      this.#onError(socket, new Error('the server closed the connection while it was made'));
      return;
    }
    const exchange = this.#active;
    if (exchange && this.#parser.endOfStream()) this.#complete(exchange);
    else this.#lost(new Error('the server closed the connection before the response was complete'));
  }

  #onError(socket: Socket, error: Error): void {
    if (socket !== this.#socket) return;
    if (!this.#connected) {
      // Every request waiting here waited for this connection: all fail with its error, as in undici.
      const waiting = this.#queue.splice(0);
      this.#connectFor = undefined;
      this.#drop();
      const { message, code } = this.classify(error);
      for (const exchange of waiting) exchange.end(failure(message, code));
      return;
    }
    this.#lost(error);
  }

  /** The connection is gone under the request on the wire: it fails, or goes again on a new connection. */
  #lost(error: Error): void {
    const exchange = this.#active;
    this.#active = undefined;
    this.#drop();
    if (exchange) {
      if (exchange.reused && exchange.replayable && exchange.firstByteAt === 0 && !exchange.retried) {
        exchange.rewind();
        this.#queue.unshift(exchange);
      } else {
        const { message, code } = this.classify(error);
        exchange.end(failure(message, code));
      }
    }
    this.#pump();
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#connected = false;
    this.#connectFor = undefined;
    this.#served = 0;
    socket?.destroy();
  }
}

function failure(error: string, errorCode: number): ExchangeOutcome {
  return { status: 0, headers: {}, body: '', error, errorCode };
}
