/**
 * The gateway in front of the Data API and Auth, doing what Supabase's API gateway does:
 *   - `apikey` (header or query parameter) required and checked against the stack's two API keys
 *     (legacy anon and service_role JWTs, or publishable and secret keys), with the hosted 401 bodies;
 *   - without an `Authorization` header, or with one that carries an opaque `sb_…` key (supabase-js
 *     forwards the API key there when no user is signed in), `Authorization` becomes the JWT of the
 *     key's role: the legacy key itself, or a role token signed with the stack's signing key, as
 *     Supabase's gateway does for the new keys; a user token that is sent is kept (it wins over a
 *     service key);
 *   - CORS headers as Supabase sends them;
 *   - `/rest/v1/*` streamed to PostgREST with the prefix stripped (no body buffering, keep-alive).
 */
import http from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CORS_ALLOW_HEADERS =
  'authorization, x-client-info, apikey, content-type, prefer, accept-profile, content-profile, range, x-supabase-api-version';
export const CORS_EXPOSE_HEADERS = 'Content-Range, Range';
const CORS_ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

const MISSING_KEY = {
  message: 'No API key found in request',
  hint: 'No `apikey` request header or url param was found.',
};
const INVALID_KEY = {
  message: 'Invalid API key',
  hint: 'Double check your Supabase `anon` or `service_role` API key.',
};

/** Adds CORS headers to every response and answers preflight requests. Register on the root instance. */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', CORS_EXPOSE_HEADERS);
    if (request.method === 'OPTIONS') {
      reply
        .header('access-control-allow-methods', CORS_ALLOW_METHODS)
        .header('access-control-allow-headers', CORS_ALLOW_HEADERS)
        .header('access-control-max-age', '3600')
        .code(200)
        .send();
      return reply;
    }
    return undefined;
  });
  // Gives preflight requests to any path a route, so the hook above sees them.
  app.options('*', async (_request, reply) => reply.code(200).send());
}

function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.apikey;
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return value;
  const query = request.query as Record<string, unknown> | undefined;
  const param = query?.apikey;
  return typeof param === 'string' && param !== '' ? param : undefined;
}

/** Each API key the gateway accepts, with the JWT that carries its role on to PostgREST and Auth. */
export type ApiKeys = ReadonlyMap<string, string>;

/** `Authorization` that names no user: absent, or an opaque API key sent as a bearer token. */
function carriesNoUser(authorization: string | undefined): boolean {
  return !authorization || /^bearer\s+sb_/i.test(authorization.trim());
}

/**
 * The API-key rule as an onRequest hook for a scope (Data API, Auth): refuses missing and unknown
 * keys and gives the request the key's role token when it carries no user token.
 */
export function apiKeyHook(keys: ApiKeys) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = apiKeyOf(request);
    if (key === undefined) return reply.code(401).type('application/json; charset=utf-8').send(MISSING_KEY);
    const roleToken = keys.get(key);
    if (roleToken === undefined) return reply.code(401).type('application/json; charset=utf-8').send(INVALID_KEY);
    if (carriesNoUser(request.headers.authorization)) request.headers.authorization = `Bearer ${roleToken}`;
    return undefined;
  };
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

function forwardHeaders(source: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/**
 * PostgREST reports `transaction;dur=` (the time its request spent in its database transaction),
 * but PostgREST 12.0.x writes every `dur` in microseconds, not the milliseconds Server-Timing means.
 * The kit's reports read `db;dur=` in milliseconds, so the gateway keeps PostgREST's metrics as
 * they are and appends `db` converted to milliseconds.
 */
export function withDbTiming(serverTiming: string | string[] | undefined): string | undefined {
  const value = Array.isArray(serverTiming) ? serverTiming.join(', ') : serverTiming;
  if (!value) return undefined;
  const match = /(?:^|,)\s*transaction;dur=([\d.]+)/.exec(value);
  return match ? `${value}, db;dur=${(Number(match[1]) / 1000).toFixed(3)}` : value;
}

/** The `apikey` query parameter is the gateway's credential; PostgREST would read it as a column filter. */
export function withoutApiKeyParam(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q < 0 || !/(?:^|&)apikey=/.test(pathAndQuery.slice(q + 1))) return pathAndQuery;
  const kept = pathAndQuery
    .slice(q + 1)
    .split('&')
    .filter((pair) => !pair.startsWith('apikey='));
  return kept.length > 0 ? `${pathAndQuery.slice(0, q)}?${kept.join('&')}` : pathAndQuery.slice(0, q);
}

export interface DataApiOptions {
  /** Base URL of PostgREST, e.g. http://127.0.0.1:54331. */
  readonly postgrestUrl: string;
  readonly apiKeys: ApiKeys;
}

/** `/rest/v1/*` → PostgREST. Register with prefix `/rest/v1`. */
export async function dataApiProxy(app: FastifyInstance, options: DataApiOptions): Promise<void> {
  const upstream = new URL(options.postgrestUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  app.addHook('onClose', async () => agent.destroy());
  app.addHook('onRequest', apiKeyHook(options.apiKeys));

  // Bodies are streamed through untouched: no parser reads them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.raw;
    const url = raw.url ?? '/';
    const prefix = url.indexOf('/rest/v1');
    let path = prefix === 0 ? url.slice('/rest/v1'.length) : url;
    if (path === '' || path.startsWith('?')) path = `/${path}`;
    path = withoutApiKeyParam(path);
    const headers = forwardHeaders(request.headers);
    headers.host = upstream.host;

    await new Promise<void>((resolve) => {
      const proxied = http.request(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: raw.method,
          path,
          headers,
          agent,
        },
        (response) => {
          const out = forwardHeaders(response.headers);
          // CORS is the gateway's business (as on Supabase): PostgREST's own CORS headers are replaced.
          for (const name of Object.keys(out)) if (name.startsWith('access-control-')) delete out[name];
          const timing = withDbTiming(response.headers['server-timing']);
          if (timing) out['server-timing'] = timing;
          reply.code(response.statusCode ?? 502).headers(out);
          reply.send(response);
          resolve();
        },
      );
      proxied.on('error', (error) => {
        if (reply.sent) return resolve();
        request.log.warn({ err: error }, 'PostgREST unreachable');
        reply
          .code(502)
          .type('application/json; charset=utf-8')
          .send({
            message: 'An invalid response was received from the upstream server',
            hint: `PostgREST at ${options.postgrestUrl}: ${error.message}`,
          });
        resolve();
      });
      // The client went away before the answer was written: stop the upstream request too.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) proxied.destroy();
      });
      // Bodyless requests (most reads) skip the pipe machinery.
      const hasBody =
        raw.headers['content-length'] !== undefined
          ? raw.headers['content-length'] !== '0'
          : raw.headers['transfer-encoding'] !== undefined;
      if (hasBody) raw.pipe(proxied);
      else proxied.end();
    });
    // Tells Fastify the reply was sent from a callback; without it, an async handler resolving to
    // undefined makes Fastify send an empty body in its place.
    return reply;
  };

  app.all('/', handler);
  app.all('/*', handler);
}
