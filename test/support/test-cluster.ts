/**
 * The test run's own PostgreSQL cluster. It never takes the stack's default port (the kit's stack or
 * `supabase start` may hold 54322 while tests run) nor the stack's state folder, so `npm test`
 * works beside either, and beside a test run of another checkout.
 *
 * One folder per checkout and OS user under the OS temp dir: a later run reuses the initialised
 * cluster (initdb costs seconds), and under root the cluster's user (`postgres`) can reach it even
 * when it cannot enter the checkout. The port is free at each start; a cluster that another test run
 * of this checkout already started is reused on its own port (global-setup.ts lets the last run stop it).
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KitConfig } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';
import { freePort } from '../../lib/ports.ts';
import {
  clusterPaths,
  initCluster,
  localDatabaseUrl,
  runningClusterPort,
  startCluster,
  stopCluster,
} from '../../stack/cluster.ts';
import { findPostgres } from '../../stack/postgres-binaries.ts';

export interface TestCluster {
  /** Superuser URL of the server (database `postgres`). */
  readonly url: string;
  /** Stops the kit's test cluster (whoever started it); leaves DATABASE_URL's server alone. */
  stop(): Promise<void>;
}

export function testStateDir(): string {
  const checkout = createHash('sha256').update(repoRoot).digest('hex').slice(0, 8);
  return path.join(os.tmpdir(), `aclue-kit-test-${process.getuid?.() ?? 'user'}-${checkout}`);
}

/** DATABASE_URL when set (the user's choice of server), otherwise the test run's own cluster. */
export async function testClusterUp(base: KitConfig): Promise<TestCluster> {
  if (base.databaseUrl) return { url: base.databaseUrl, stop: async () => undefined };
  const stateDir = testStateDir();
  mkdirSync(stateDir, { recursive: true });
  chmodSync(stateDir, 0o755); // under root the cluster runs as another OS user, who must enter it
  const pg = await findPostgres(base.pg.bindir);
  const paths = clusterPaths({ ...base, stateDir });
  const on = (port: number): TestCluster => ({
    url: localDatabaseUrl({ ...base, pg: { ...base.pg, port } }),
    stop: async () => void (await stopCluster(pg, paths)),
  });

  const running = runningClusterPort(paths);
  if (running !== undefined) return on(running);
  const config: KitConfig = { ...base, stateDir, pg: { ...base.pg, port: await freePort() } };
  await initCluster(config, pg, () => undefined);
  try {
    await startCluster(config, pg, () => undefined);
  } catch (error) {
    // Another run of this checkout may have started it in the meantime: use that one.
    const now = runningClusterPort(paths);
    if (now !== undefined) return on(now);
    throw error;
  }
  return on(config.pg.port);
}
