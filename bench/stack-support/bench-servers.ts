/**
 * PostgREST and the kit's server in front of a benchmark's own database, on free ports: the local
 * stack's API as the bench parts measure it, without touching the stack's own database or ports.
 * In a folder of its own so that scripts/bench.ts does not take it for a bench part.
 */
import type { KitConfig } from '../../lib/config.ts';
import { freePort } from '../../lib/ports.ts';
import { postgrestUrl, startPostgrest, stopPostgrest } from '../../stack/postgrest.ts';
import { buildApp } from '../../stack/server/app.ts';
import { postgrestJwtSecret } from '../../stack/server/keys.ts';

export interface BenchServers {
  readonly apiUrl: string;
  readonly restUrl: string;
  close(): Promise<void>;
}

/** `dir` holds PostgREST's config and pid file; the database must carry the kit's schema. */
export async function startBenchServers(config: KitConfig, databaseUrl: string, dir: string): Promise<BenchServers> {
  const [restPort, apiPort] = [await freePort(), await freePort()];
  await startPostgrest({
    dir,
    databaseUrl,
    jwtSecret: postgrestJwtSecret(config.jwtSecret, config.stackKeys),
    port: restPort,
    authenticatorPassword: config.authenticatorPassword,
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  try {
    const app = await buildApp({
      databaseUrl,
      authenticatorPassword: config.authenticatorPassword,
      postgrestUrl: postgrestUrl(restPort),
      jwtSecret: config.jwtSecret,
      keyMode: config.stackKeys,
      publicUrl: apiUrl,
      postbackSecret: config.postbackSecret,
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: apiPort });
    return {
      apiUrl,
      restUrl: postgrestUrl(restPort),
      close: async () => {
        await app.close();
        await stopPostgrest(dir);
      },
    };
  } catch (error) {
    await stopPostgrest(dir).catch(() => undefined);
    throw error;
  }
}
