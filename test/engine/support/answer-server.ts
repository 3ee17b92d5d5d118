/**
 * A test server in a child process (so the engine under test does not share its event loop): it
 * answers every request after a fixed delay, and can be told to stall — hold every answer — and
 * resume. It counts what it received and answered, so a test can check that the engine recorded
 * exactly one sample per answer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const SERVER = `
const http = require('node:http');
const delay = Number(process.argv[1]);
let received = 0, answered = 0, held = 0, stalled = false, queue = [];
const times = [];
const answer = (res) => {
  answered++;
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
  times.push(Number(process.hrtime.bigint() - res.arrived) / 1e6);
};
const median = () => { const s = [...times].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : 0; };
const server = http.createServer((req, res) => {
  res.arrived = process.hrtime.bigint();
  received++;
  if (stalled) { held++; queue.push(res); return; }
  setTimeout(() => answer(res), delay);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stall') stalled = true;
  if (line === 'resume') { stalled = false; const q = queue; queue = []; for (const res of q) answer(res); }
  if (line === 'reset-times') times.length = 0;
  console.log(JSON.stringify({ received, answered, held, medianMs: median() }));
});
`;

export interface ServerCounts {
  readonly received: number;
  readonly answered: number;
  readonly held: number;
  readonly medianMs: number;
}

export interface AnswerServer {
  readonly url: string;
  /**
   * Sends a command and resolves with the server's counts after it, and the median time it took to
   * answer (arrival to the end of the answer, as the server measured it) since the last reset.
   */
  command(what: 'stall' | 'resume' | 'count' | 'reset-times'): Promise<ServerCounts>;
  stop(): Promise<void>;
}

export async function startAnswerServer(delayMs: number): Promise<AnswerServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER, String(delayMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const { port } = JSON.parse(await next()) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async command(what) {
      const reply = next();
      child.stdin!.write(`${what}\n`);
      return JSON.parse(await reply) as ServerCounts;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
