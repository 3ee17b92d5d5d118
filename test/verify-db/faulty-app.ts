/**
 * A fixture of a *target* that answers wrongly in one chosen way, not of any kit part: a node:http
 * proxy in front of the kit's real stack that forwards every request, except the paths a test gives
 * an answer of its own (a body that is no JSON, a 403, a list padded with invented ids, no answer
 * at all). The caller is the `sub` of the request's token, so an answer can differ per user.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer =
  | { readonly status: number; readonly body: string }
  /** No answer at all: the connection is reset, as a call that times out or a crashed worker ends. */
  | { readonly reset: true };

/** An answer for a path (without query), or undefined to forward the request to the real stack. */
export type Fault = (request: { path: string; userId: string | undefined }) => Answer | undefined;

/** The `sub` of a Bearer token in the Authorization header or the `authorization` query parameter. */
function callerOf(req: http.IncomingMessage, url: URL): string | undefined {
  const bearer = req.headers.authorization ?? url.searchParams.get('authorization') ?? '';
  const payload = bearer.replace(/^Bearer\s+/i, '').split('.')[1];
  if (payload === undefined) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}

export async function startFaultyApp(stackUrl: string, fault: Fault): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = fault({ path: url.pathname, userId: callerOf(req, url) });
    if (answer !== undefined) {
      if ('reset' in answer) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host' && e[0] !== 'content-length',
      ),
    );
    const forwarded = await fetch(`${stackUrl}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    res.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
