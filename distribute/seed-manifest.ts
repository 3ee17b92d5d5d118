/**
 * The seed manifest as the runners get it: compacted, and cut to the users that fit in the Secret
 * (1 MiB). A user with its access token takes about 850 bytes, so a seed at scale 1 (about 1,000
 * users) just fits and scale 10 does not; the journeys cycle through whichever users they are
 * given, so a distributed run loads the first users of the seed (the ones its aged clicks name).
 */
import { UsageError } from '../lib/errors.ts';

export interface FittedManifest {
  readonly json: string;
  readonly runId: string | undefined;
  readonly users: number;
  readonly seededUsers: number;
}

/** @param budget bytes the manifest's JSON may take */
export function fitManifest(text: string, budget: number, file: string): FittedManifest {
  let manifest: { runId?: unknown; users?: unknown };
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `K6_MANIFEST: ${file} is not JSON (${error instanceof Error ? error.message : String(error)}); expected the manifest \`npm run seed\` writes`,
    );
  }
  const runId = typeof manifest.runId === 'string' ? manifest.runId : undefined;
  const users = Array.isArray(manifest.users) ? manifest.users : [];
  // Sizes add up: the header without users, then each user and its comma.
  let size = Buffer.byteLength(JSON.stringify({ ...manifest, users: [] }));
  let kept = 0;
  for (const user of users) {
    const next = size + Buffer.byteLength(JSON.stringify(user)) + (kept > 0 ? 1 : 0);
    if (next > budget) break;
    size = next;
    kept++;
  }
  if (kept === 0 && users.length > 0) {
    throw new UsageError(
      `K6_MANIFEST: ${file} does not fit in the runners' Secret even with one user (${Math.round(size / 1024)} KiB without users, ${Math.round(budget / 1024)} KiB allowed)`,
      ['Seed fewer products for the distributed run (--scale), or ship the manifest on a volume.'],
    );
  }
  const json = JSON.stringify({ ...manifest, users: users.slice(0, kept) });
  return { json, runId, users: kept, seededUsers: users.length };
}
