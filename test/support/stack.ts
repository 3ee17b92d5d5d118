/**
 * A real local API stack for one test file: PostgREST (the npm binary, its own process) and the kit's
 * server (in this process) against the file's own test database, on free ports, with a state folder
 * under the OS temp dir. `stop()` closes the server gracefully and stops PostgREST.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { LOCAL_JWT_SECRET, LOCAL_POSTBACK_SECRET, loadConfig } from '../../lib/config.ts';
import { startPostgrest, stopPostgrest, postgrestUrl as urlOfPostgrest } from '../../stack/postgrest.ts';
import { buildApp } from '../../stack/server/app.ts';
import { type LocalKeys, localKeys, postgrestJwtSecret, type StackKeyMode } from '../../stack/server/keys.ts';
import type { TestDatabase } from './db.ts';
import { freePort } from './ports.ts';

export interface TestStack {
  /** Base URL of the kit's server (what supabase-js gets as the project URL). */
  readonly url: string;
  /** The anon-role API key: the legacy `anon` JWT, or the publishable key in `new` mode. */
  readonly anonKey: string;
  /** The elevated API key: the legacy `service_role` JWT, or the secret key in `new` mode. */
  readonly serviceRoleKey: string;
  readonly jwtSecret: string;
  /** Every key of the stack, including the signer that mints users' tokens. */
  readonly keys: LocalKeys;
  /** PostgREST itself, without the gateway. */
  readonly postgrestUrl: string;
  readonly postbackSecret: string;
  /** The Fastify instance, for tests that need to look inside. */
  readonly app: FastifyInstance;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  readonly jwtSecret?: string;
  /** `legacy` (default) or `new`: publishable/secret keys and ES256 tokens. */
  readonly keyMode?: StackKeyMode;
}

export async function startTestStack(db: TestDatabase, opts: TestStackOptions = {}): Promise<TestStack> {
  const jwtSecret = opts.jwtSecret ?? LOCAL_JWT_SECRET;
  const keyMode = opts.keyMode ?? 'legacy';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-api-'));
  const [restPort, apiPort] = [await freePort(), await freePort()];
  // The local stack's authenticator password: the default the test databases' migrations set.
  const { authenticatorPassword } = loadConfig({ env: {} });
  await startPostgrest({
    dir,
    databaseUrl: db.url,
    jwtSecret: postgrestJwtSecret(jwtSecret, keyMode),
    port: restPort,
    authenticatorPassword,
  });
  const postgrestUrl = urlOfPostgrest(restPort);
  const url = `http://127.0.0.1:${apiPort}`;
  let app: FastifyInstance;
  try {
    app = await buildApp({
      databaseUrl: db.url,
      authenticatorPassword,
      postgrestUrl,
      jwtSecret,
      keyMode,
      publicUrl: url,
      postbackSecret: LOCAL_POSTBACK_SECRET,
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: apiPort });
  } catch (error) {
    await stopPostgrest(dir);
    throw error;
  }
  const keys = await localKeys(jwtSecret, keyMode);
  return {
    url,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    jwtSecret,
    keys,
    postgrestUrl,
    postbackSecret: LOCAL_POSTBACK_SECRET,
    app,
    async stop() {
      await app.close();
      await stopPostgrest(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until PostgREST's schema cache knows `path` (after DDL + NOTIFY pgrst in a test). */
export async function waitForSchema(
  stack: TestStack,
  pathAndQuery: string,
  init: RequestInit = {},
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${stack.url}/rest/v1${pathAndQuery}`, {
      ...init,
      headers: {
        apikey: stack.serviceRoleKey,
        'content-type': 'application/json',
        ...(init.headers as Record<string, string>),
      },
    });
    await response.body?.cancel();
    if (response.status !== 404) return;
    if (Date.now() > deadline) throw new Error(`PostgREST did not pick up ${pathAndQuery} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
