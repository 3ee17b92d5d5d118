/**
 * The engine's own HTTP/1.1 client (engine/http.ts over engine/http1-connection.ts and
 * engine/http1-parser.ts) against real local servers: node:net servers that send exactly the bytes
 * a test scripts (split across TCP segments, closed early, malformed), node:http for the
 * ordinary cases, and node:https (in a child process that trusts a fresh certificate) for TLS.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, type HttpRequest, type HttpResult, VuHttp } from '../../engine/http.ts';
import { repoRoot } from '../../lib/paths.ts';
import { type Answer, type RawServer, send, startRawServer } from './support/raw-server.ts';

const execFileAsync = promisify(execFile);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rawServer(answer: Answer): Promise<RawServer> {
  const server = await startRawServer(answer);
  cleanups.push(() => server.stop());
  return server;
}

function client(): VuHttp {
  const vu = new VuHttp('kit-test');
  cleanups.push(() => vu.close());
  return vu;
}

const get = (vu: VuHttp, url: string, more: Partial<HttpRequest> = {}): Promise<HttpResult> =>
  vu.request({ method: 'GET', url, headers: {}, body: undefined, timeoutMs: 2000, ...more });

describe('engine HTTP client: response framing', () => {
  it('reads a Content-Length body and a head split across TCP segments, mid-line', async () => {
    const server = await rawServer((socket) =>
      send(socket, ['HTTP/1.1 200 OK\r\nContent-Le', 'ngth: 11\r\nX-Test: a\r\n\r\nhello', ' world']),
    );
    const res = await get(client(), `${server.url}/x`);
    expect(res).toMatchObject({ status: 200, error: '', errorCode: 0, body: 'hello world' });
    expect(res.headers).toEqual({ 'content-length': '11', 'x-test': 'a' });
    expect(res.receiving).toBeGreaterThan(10); // the body came 15 ms after the first byte
  });

  it('reads a chunked body split at every awkward place: in a size line, in a CRLF, in a UTF-8 character, in a trailer', async () => {
    const euro = Buffer.from('€'); // three bytes
    const server = await rawServer((socket) =>
      send(socket, [
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
        '5\r\nhel',
        'lo\r',
        '\n',
        '1',
        '2;ext=1\r\n', // 0x12 = 18 bytes: " world, costs 1€"
        Buffer.concat([Buffer.from(' world, costs 1'), euro.subarray(0, 1)]),
        Buffer.concat([euro.subarray(1), Buffer.from('\r\n0\r\nX-Trail')]),
        'er: t\r\n\r\n',
      ]),
    );
    const res = await get(client(), `${server.url}/chunked`);
    expect(res).toMatchObject({ status: 200, error: '', body: 'hello world, costs 1€' });
    expect(res.headers['x-trailer']).toBeUndefined(); // trailers are not response headers, as in k6
  });

  it('reads a chunked body that arrives in one segment, then reuses the connection', async () => {
    const server = await rawServer((socket) =>
      send(socket, ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n']),
    );
    const vu = client();
    expect((await get(vu, `${server.url}/a`)).body).toBe('abcde');
    expect((await get(vu, `${server.url}/b`)).body).toBe('abcde');
    expect(server.connections()).toBe(1);
  });

  it('reads a body without length to the end of the connection, then opens a new one', async () => {
    const server = await rawServer(async (socket) => {
      await send(socket, ['HTTP/1.0 200 OK\r\n\r\nuntil ', 'the end']);
      socket.end();
    });
    const vu = client();
    const first = await get(vu, `${server.url}/a`);
    expect(first).toMatchObject({ status: 200, body: 'until the end', error: '' });
    const second = await get(vu, `${server.url}/b`);
    expect(second.body).toBe('until the end');
    expect(second.connecting).toBeGreaterThan(0);
    expect(server.connections()).toBe(2);
  });

  it('reads no body for HEAD, 204 and 304 whatever their Content-Length says, skips a 100 Continue, and keeps the connection', async () => {
    const server = await rawServer((socket, request) => {
      if (request.head.startsWith('HEAD')) return send(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n']);
      if (request.head.includes('/204')) return send(socket, ['HTTP/1.1 204 No Content\r\n\r\n']);
      if (request.head.includes('/304'))
        return send(socket, ['HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n']);
      return send(socket, ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok']);
    });
    const vu = client();
    expect(await get(vu, `${server.url}/`, { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    expect(await get(vu, `${server.url}/204`)).toMatchObject({ status: 204, body: '' });
    expect(await get(vu, `${server.url}/304`)).toMatchObject({ status: 304, body: '' });
    expect(await get(vu, `${server.url}/continue`)).toMatchObject({ status: 201, body: 'ok' });
    expect(server.connections()).toBe(1);
  });

  it('gives lower-cased header names, a repeated header as a list, and 1000 + status as the code of a 4xx/5xx', async () => {
    const server = await rawServer((socket) =>
      send(socket, [
        'HTTP/1.1 503 Service Unavailable\r\nSet-Cookie: a=1\r\nSET-COOKIE: b=2\r\nRetry-After:  5 \r\nContent-Length: 0\r\n\r\n',
      ]),
    );
    const res = await get(client(), `${server.url}/`);
    expect(res.status).toBe(503);
    expect(res.errorCode).toBe(1503);
    expect(res.error).toBe('');
    expect(res.headers).toEqual({ 'set-cookie': ['a=1', 'b=2'], 'retry-after': '5', 'content-length': '0' });
  });
});

describe('engine HTTP client: connections', () => {
  it('keeps one connection per origin for a VU, with phases and exact bytes on the wire', async () => {
    const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npong';
    const server = await rawServer((socket) => send(socket, [answer]));
    const vu = client();
    const first = await get(vu, `${server.url}/ping`);
    const second = await vu.request({
      method: 'POST',
      url: `${server.url}/ping?x=1`,
      headers: { 'Content-Type': 'text/plain', 'User-Agent': 'custom' },
      body: 'grüße',
      timeoutMs: 2000,
    });
    expect(server.connections()).toBe(1);
    expect(first.connecting).toBeGreaterThan(0);
    expect(first.blocked).toBeGreaterThanOrEqual(first.connecting);
    expect(second.connecting).toBe(0);
    for (const [res, request] of [
      [first, server.requests[0]!],
      [second, server.requests[1]!],
    ] as const) {
      expect(res.bytesSent).toBe(request.bytes);
      expect(res.bytesReceived).toBe(answer.length);
      expect(res.sending).toBeGreaterThanOrEqual(0);
      expect(res.waiting).toBeGreaterThan(0);
    }
    const [head, ...lines] = server.requests[1]!.head.split('\r\n');
    expect(head).toBe('POST /ping?x=1 HTTP/1.1');
    expect(lines).toEqual(
      expect.arrayContaining([
        `host: ${server.url.slice('http://'.length)}`,
        'User-Agent: custom',
        'Content-Type: text/plain',
        'content-length: 7',
      ]),
    );
    expect(server.requests[1]!.body).toBe('grüße');
    expect(server.requests[0]!.head).toContain('\r\nuser-agent: kit-test');
  });

  it('opens a new connection after the server closes one, whether it said so or closed it idle', async () => {
    const server = await rawServer(async (socket, request) => {
      if (request.head.includes('/close')) {
        await send(socket, ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok']);
        return;
      }
      await send(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
      setTimeout(() => socket.end(), 20); // an idle keep-alive connection closed by the server
    });
    const vu = client();
    await get(vu, `${server.url}/close`);
    const afterClose = await get(vu, `${server.url}/idle`);
    expect(afterClose).toMatchObject({ status: 200, error: '' });
    expect(afterClose.connecting).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const afterIdle = await get(vu, `${server.url}/x`);
    expect(afterIdle).toMatchObject({ status: 200, error: '' });
    expect(afterIdle.connecting).toBeGreaterThan(0);
    expect(server.connections()).toBe(3);
  });

  it('sends a GET again on a new connection when the reused one closes before answering; a POST fails', async () => {
    // Every second request on a connection finds it closed, as a server closing it idle does.
    const server = await rawServer(async (socket, request) => {
      if (request.onConnection === 2) return void socket.destroy();
      await send(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
    });
    const vu = client();
    await get(vu, `${server.url}/1`);
    const retried = await get(vu, `${server.url}/2`);
    expect(retried).toMatchObject({ status: 200, body: 'ok', error: '' });
    expect(retried.connecting).toBeGreaterThan(0);
    expect(retried.bytesSent).toBe(server.requests[1]!.bytes + server.requests[2]!.bytes);
    expect(server.requests.map((r) => r.head.split(' ')[1])).toEqual(['/1', '/2', '/2']);

    await get(vu, `${server.url}/3`); // the new connection's first request
    const post = await vu.request({ method: 'POST', url: `${server.url}/4`, headers: {}, body: 'x', timeoutMs: 2000 });
    expect(post.status).toBe(0);
    expect(post.errorCode).toBe(ERROR_CODES.generic);
    expect(post.error).toMatch(/closed the connection before the response was complete/);
    expect(server.requests.filter((r) => r.head.startsWith('POST'))).toHaveLength(1);
  });

  it('queues a second request of the same VU until the first is answered, counting the wait as blocked', async () => {
    const server = await rawServer((socket) => {
      setTimeout(() => void send(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']), 50);
    });
    const vu = client();
    await get(vu, `${server.url}/warm`);
    const [a, b] = await Promise.all([get(vu, `${server.url}/a`), get(vu, `${server.url}/b`)]);
    expect(server.connections()).toBe(1);
    expect(a.blocked).toBeLessThan(20);
    expect(b.blocked).toBeGreaterThan(40);
    expect(b.connecting).toBe(0);
  });

  it('ends a request whose signal aborts as interrupted, keeping the time it waited', async () => {
    const server = await rawServer(() => undefined); // never answers
    const vu = client();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const res = await get(vu, `${server.url}/`, { signal: controller.signal });
    expect(res).toMatchObject({ status: 0, error: 'interrupted', errorCode: ERROR_CODES.generic });
    expect(res.waiting).toBeGreaterThan(80);
    const again = await get(vu, `${server.url}/`, { signal: controller.signal });
    expect(again).toMatchObject({ status: 0, error: 'interrupted' });
  });
});

describe('engine HTTP client: malformed and cut-off responses', () => {
  const cases: { name: string; pieces: string[]; close?: boolean; error: RegExp }[] = [
    { name: 'a status line that is not HTTP', pieces: ['SSH-2.0-OpenSSH\r\n\r\n'], error: /status line/ },
    {
      name: 'a chunk size that is not hex',
      pieces: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
      error: /chunk size/,
    },
    {
      name: 'two different Content-Lengths',
      pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc'],
      error: /two different Content-Lengths/,
    },
    {
      name: 'a header line without a colon',
      pieces: ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'],
      error: /header line/,
    },
    {
      name: 'a body cut off by the server closing',
      pieces: ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'],
      close: true,
      error: /closed the connection before the response was complete/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: status 0, k6's generic code 1000, the connection replaced for the next request`, async () => {
      const server = await rawServer(async (socket, request) => {
        if (request.connection > 1) return send(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
        await send(socket, c.pieces);
        if (c.close) socket.end();
      });
      const vu = client();
      const res = await get(vu, `${server.url}/`);
      expect(res.status).toBe(0);
      expect(res.errorCode).toBe(ERROR_CODES.generic);
      expect(res.error).toMatch(c.error);
      expect(res.waiting).toBeGreaterThan(0);
      expect(res.bytesReceived).toBe(c.pieces.join('').length);
      expect(await get(vu, `${server.url}/`)).toMatchObject({ status: 200, body: 'ok' });
    });
  }

  it('refuses a URL it cannot send (k6 code 1020) and a header with a line break (1000), sending nothing', async () => {
    const server = await rawServer((socket) => send(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']));
    const vu = client();
    expect((await get(vu, `${server.url}/a b`)).errorCode).toBe(ERROR_CODES.invalidUrl);
    expect((await get(vu, 'http://127.0.0.1:99999/')).errorCode).toBe(ERROR_CODES.invalidUrl);
    const smuggled = await get(vu, `${server.url}/`, { headers: { 'x-a': 'b\r\nx-evil: 1' } });
    expect(smuggled).toMatchObject({ status: 0, errorCode: ERROR_CODES.generic });
    expect(smuggled.error).toMatch(/invalid header "x-a"/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('engine HTTP client: node:http and node:https servers', () => {
  it('talks to node:http, with a request body and a large chunked answer', async () => {
    const big = 'x'.repeat(200_000);
    const server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        res.setHeader('content-type', 'text/plain');
        res.write(`${req.method} ${body.length} `);
        res.end(big);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
    const vu = client();
    const res = await vu.request({ method: 'PUT', url, headers: {}, body: 'é'.repeat(1000), timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(res.body).toBe(`PUT 1000 ${big}`);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.bytesReceived).toBeGreaterThan(200_000);
    server.closeAllConnections();
  });

  const openssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!openssl)(
    'speaks TLS to an https origin, verifying its certificate (skipped without openssl)',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-tls-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
      const made = spawnSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
        ]),
        { encoding: 'utf8' },
      );
      expect(made.status, made.stderr).toBe(0);
      const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) =>
        res.end(`secure ${req.url}`),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const port = (server.address() as AddressInfo).port;
      // A CA is trusted from a process's start: the client runs in a child that trusts this certificate, or not.
      const script = `
      const { VuHttp } = await import(${JSON.stringify(path.join(repoRoot, 'engine/http.ts'))});
      const vu = new VuHttp('kit-test');
      const out = [];
      for (const host of ['localhost', '127.0.0.1', 'localhost']) {
        const r = await vu.request({ method: 'GET', url: 'https://' + host + ':${port}/x', headers: {}, body: undefined, timeoutMs: 5000 });
        out.push({ status: r.status, body: r.body, error: r.error, connecting: r.connecting });
      }
      await vu.close();
      console.log(JSON.stringify(out));`;
      const run = async (env: Record<string, string>) => {
        const { stdout } = await execFileAsync(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script],
          {
            cwd: repoRoot,
            env: { ...process.env, ...env },
            timeout: 60_000,
          },
        );
        return JSON.parse(stdout) as { status: number; body: string; error: string; connecting: number }[];
      };
      const trusted = await run({ NODE_EXTRA_CA_CERTS: cert });
      expect(trusted.map((r) => [r.status, r.body, r.error])).toEqual([
        [200, 'secure /x', ''],
        [200, 'secure /x', ''],
        [200, 'secure /x', ''],
      ]);
      expect(trusted[0]!.connecting).toBeGreaterThan(0);
      expect(trusted[2]!.connecting).toBe(0); // the connection to localhost was kept
      const untrusted = await run({});
      expect(untrusted[0]).toMatchObject({ status: 0, error: expect.stringMatching(/self-signed/) });
    },
  );
});
