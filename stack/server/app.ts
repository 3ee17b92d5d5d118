/**
 * The kit's API server as a Fastify instance: CORS and the gateway at the root, `/rest/v1` (Data
 * API, proxied to PostgREST), `/auth/v1` (Auth face), `/api/v1` (App API plugin) and `/kit/health`
 * (the stack's own liveness check).
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import appApi from './app-api/index.ts';
import authFace from './auth/index.ts';
import { apiKeyHook, dataApiProxy, registerCors } from './gateway.ts';
import { localKeys, type StackKeyMode } from './keys.ts';

export interface ServerOptions {
  /** Superuser URL of the database. */
  readonly databaseUrl: string;
  /** Password of `authenticator`, which the App API logs in as (KIT_AUTHENTICATOR_PASSWORD). */
  readonly authenticatorPassword: string;
  /** Base URL of PostgREST (loopback). */
  readonly postgrestUrl: string;
  readonly jwtSecret: string;
  /** Which keys and tokens the stack issues and accepts (`KIT_STACK_KEYS`); legacy when not given. */
  readonly keyMode?: StackKeyMode;
  /** Where clients reach this server, e.g. http://127.0.0.1:54321 (token issuer, App API's Auth URL). */
  readonly publicUrl: string;
  readonly postbackSecret: string;
  /** Days after a click within which a postback conversion is attributed to it. */
  readonly attributionWindowDays?: number;
  /** Fastify logger setting: false in tests, a level for the daemon. */
  readonly logger?: boolean | { level: string };
}

export async function buildApp(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Per-request log lines would cost more CPU than the proxying itself under load.
    logController: new LogController({ disableRequestLogging: true }),
    // Keep-alive clients (k6, supabase-js) reuse connections; closing them on shutdown only when idle
    // lets in-flight requests finish (graceful drain).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    keepAliveTimeout: 65_000,
    bodyLimit: 10 * 1024 * 1024,
  });
  const keys = await localKeys(options.jwtSecret, options.keyMode);
  const apiKeys = new Map([
    [keys.anonKey, keys.roleTokens.anon],
    [keys.serviceRoleKey, keys.roleTokens.service_role],
  ]);

  registerCors(app);

  // Graceful shutdown: requests in flight when close() starts still finish, and their responses
  // carry `Connection: close`, so keep-alive clients do not hold the server open afterwards.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.get('/kit/health', async () => ({ status: 'ok', service: 'aclue-kit-api' }));

  await app.register(dataApiProxy, { prefix: '/rest/v1', postgrestUrl: options.postgrestUrl, apiKeys });

  // Open like Supabase's: verifiers fetch the public keys without an API key. No keys for the HS256 secret.
  app.get('/auth/v1/.well-known/jwks.json', async () => keys.jwks);

  await app.register(
    async (scope) => {
      scope.addHook('onRequest', apiKeyHook(apiKeys));
      await scope.register(authFace, {
        databaseUrl: options.databaseUrl,
        keys,
        issuer: `${options.publicUrl}/auth/v1`,
      });
    },
    { prefix: '/auth/v1' },
  );

  await app.register(appApi, {
    prefix: '/api/v1',
    databaseUrl: options.databaseUrl,
    verifier: keys.verifier,
    authenticatorPassword: options.authenticatorPassword,
    authUrl: `${options.publicUrl}/auth/v1`,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    postbackSecret: options.postbackSecret,
    attributionWindowDays: options.attributionWindowDays,
  });
  return app;
}
