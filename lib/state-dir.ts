/**
 * Where the kit keeps its cluster, logs and pid files when KIT_STATE_DIR is not set.
 *
 * Must know: PostgreSQL refuses to run as root, so under root the cluster runs as another OS user
 * (stack/cluster.ts), who must be able to enter every folder above the cluster. A checkout in a
 * private folder (a fresh `mktemp -d`, `/root/…`: mode 700, as in containers and CI runners) shuts
 * that user out of `<checkout>/.kit`. Then the state goes to a folder of this checkout under a temp
 * dir that user can reach, as the test suite's cluster does. An explicit KIT_STATE_DIR is kept.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Whether a user other than the owner (nor in its group) can enter `dir`: every existing folder on its path is o+x. */
export function openToOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

export interface StateDirInput {
  /** The setting's value, resolved: `<checkout>/.kit` by default. */
  readonly dir: string;
  /** KIT_STATE_DIR was given (flag, environment or .env): kept whatever it is. */
  readonly explicit: boolean;
  readonly checkout: string;
  readonly uid: number | undefined;
  /** Temp dirs to choose from, in order (os.tmpdir(), then /var/tmp and /tmp). */
  readonly tempDirs?: readonly string[];
}

/** The state folder to use, and why it is not the setting's default when it is not (for the demo's second line). */
export function resolveStateDir(input: StateDirInput): { dir: string; moved?: string } {
  if (input.explicit || input.uid !== 0 || openToOthers(input.dir)) return { dir: input.dir };
  const temp = (input.tempDirs ?? [os.tmpdir(), '/var/tmp', '/tmp']).find((d) => existsSync(d) && openToOthers(d));
  if (temp === undefined) return { dir: input.dir };
  const checkout = createHash('sha256').update(input.checkout).digest('hex').slice(0, 8);
  const dir = path.join(temp, `aclue-kit-${input.uid}-${checkout}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755); // the cluster's OS user enters it; the cluster's own folders stay private
  return {
    dir,
    moved: `the checkout ${input.checkout} is closed to other users, so the PostgreSQL user (PostgreSQL does not run as root) cannot reach ${input.dir}; set KIT_STATE_DIR to choose another folder`,
  };
}
