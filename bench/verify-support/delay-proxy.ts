/**
 * A proxy that holds every request for a fixed time before passing it on: the App API "at a
 * distance", as a staging app across a network is, for `npm run bench -- verify --app-delay MS`.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  readonly url: string;
  /** Requests passed on so far. */
  readonly requests: () => number;
  stop(): Promise<void>;
}

export async function startDelayProxy(targetUrl: string, delayMs: number): Promise<DelayProxy> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    setTimeout(() => {
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`delay proxy: ${error.message}`);
      });
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
