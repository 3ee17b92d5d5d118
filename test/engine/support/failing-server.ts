/**
 * A test server in a child process that fails requests the ways a stalled or crashing app does:
 * `/slow` answers only after `slowMs` (past the client's timeout), `/reset` resets the connection
 * `resetMs` after the request arrived (a TCP RST: k6's "reset by peer"), anything else answers 200
 * at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const SERVER = `
const http = require('node:http');
const [slowMs, resetMs] = process.argv.slice(1).map(Number);
const server = http.createServer((req, res) => {
  if (req.url === '/slow') return void setTimeout(() => { if (!res.destroyed) res.end('late'); }, slowMs);
  if (req.url === '/reset') return void setTimeout(() => req.socket.resetAndDestroy(), resetMs);
  res.end('ok');
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

export interface FailingServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startFailingServer(slowMs: number, resetMs: number): Promise<FailingServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER, String(slowMs), String(resetMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', (text) => resolve(text)),
  );
  const { port } = JSON.parse(line) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
