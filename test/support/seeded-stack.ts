/**
 * A real stack on a fresh test database, seeded with a tiny run and its k6 manifest: what every
 * test that runs k6 or verify end to end starts from. `stop()` undoes all of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withClient } from '../../lib/pg/connect.ts';
import { TOKEN_TTL_SECONDS, writeManifest } from '../../seed/manifest.ts';
import { runSeed } from '../../seed/run.ts';
import type { SeedTarget } from '../../seed/target.ts';
import { recordTokenSessions } from '../../seed/token-sessions.ts';
import { uuidText } from '../../seed/uuid.ts';
import type { StackKeyMode } from '../../stack/server/keys.ts';
import { freshDatabase, type TestDatabase } from './db.ts';
import { startTestStack, type TestStack } from './stack.ts';

export interface SeededStack {
  readonly db: TestDatabase;
  readonly stack: TestStack;
  /** A temporary folder for the test's own files, removed by stop(). */
  readonly tmp: string;
  readonly manifestFile: string;
  readonly runId: string;
  stop(): Promise<void>;
}

export async function startSeededStack(
  seed: string,
  users = 12,
  keyMode: StackKeyMode = 'legacy',
): Promise<SeededStack> {
  const db = await freshDatabase();
  const stack = await startTestStack(db, { keyMode });
  const tmp = mkdtempSync(path.join(os.tmpdir(), `kit-${seed}-`));
  const keys = stack.keys;
  const target: SeedTarget = {
    kind: 'local',
    databaseUrl: db.url,
    databaseSetting: 'test database',
    supabaseUrl: stack.url,
    apiUrl: stack.url,
    serviceRoleKey: keys.serviceRoleKey,
    anonKey: keys.anonKey,
    tokenSigner: keys.signer,
  };
  const seeded = await runSeed({ seed, scale: 0.02, users, authWriter: 'sql', target });
  const manifestFile = (await writeManifest(tmp, path.join(tmp, 'state'), seeded.runId, seeded.world, target)).file;
  const ids = Array.from({ length: seeded.world.params.users }, (_, u) => uuidText(seeded.world.user(u).id));
  await withClient(db.url, 'test database', (client) =>
    recordTokenSessions(client, ids, new Date(Date.now() + TOKEN_TTL_SECONDS * 1000)),
  );
  return {
    db,
    stack,
    tmp,
    manifestFile,
    runId: seeded.runId,
    async stop() {
      await stack.stop();
      await db.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
