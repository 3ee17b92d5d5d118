/**
 * A node:net server that answers with exactly the bytes a test scripts, in the pieces it scripts
 * (each written separately, a few milliseconds apart, so the client reads them separately): how
 * the engine's HTTP client is tested on framing, split packets, closed and malformed answers
 * that node:http would never send.
 */
import net, { type Socket } from 'node:net';

export interface ReceivedRequest {
  /** The request's head, up to and without the empty line. */
  readonly head: string;
  readonly body: string;
  /** Bytes the request took on the wire. */
  readonly bytes: number;
  /** 1 for the first connection the server accepted, 2 for the next, … */
  readonly connection: number;
  /** 1 for the first request on its connection. */
  readonly onConnection: number;
}

/** Answers one request: write pieces with `send`, or do anything else to the socket. */
export type Answer = (socket: Socket, request: ReceivedRequest) => void | Promise<void>;

export interface RawServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

/** Writes each piece as its own TCP segment, `gapMs` apart. */
export async function send(socket: Socket, pieces: readonly (string | Buffer)[], gapMs = 15): Promise<void> {
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    if (!socket.destroyed) socket.write(piece);
  }
}

export async function startRawServer(answer: Answer): Promise<RawServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const connection = ++accepted;
    let onConnection = 0;
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request: ReceivedRequest = {
          head,
          body: buffered.toString('utf8', end + 4, end + 4 + length),
          bytes: end + 4 + length,
          connection,
          onConnection: ++onConnection,
        };
        buffered = buffered.subarray(end + 4 + length);
        requests.push(request);
        void answer(socket, request);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
