/**
 * A real-shaped Supabase project for the staging tests: the shared target's `start.sh` builds a
 * throwaway cluster from Supabase's and GoTrue's own SQL (the project's `postgres` is not a
 * superuser) with pgbouncer in transaction mode in front, on free ports. Under root the folder is
 * under /var/tmp, which the `postgres` OS user can enter. Its location can be overridden with
 * KIT_TEST_SUPABASE_TARGET (the folder holding start.sh).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';
import { freePort } from './ports.ts';

export interface SupabaseTarget {
  /** As the project's non-superuser `postgres`, straight to PostgreSQL. */
  readonly directUrl: string;
  /** The same, through pgbouncer in transaction mode (Supabase's port 6543). */
  readonly poolerUrl: string;
  /** As `supabase_admin`, the platform's superuser, for what only the test inspects. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

const targetDir = () =>
  process.env.KIT_TEST_SUPABASE_TARGET ?? path.resolve(repoRoot, '..', 'shared', 'targets', 'supabase-project');

export async function startSupabaseTarget(name: string): Promise<SupabaseTarget> {
  const script = path.join(targetDir(), 'start.sh');
  if (!existsSync(script))
    throw new Error(`${script} not found: the Supabase-shaped target (set KIT_TEST_SUPABASE_TARGET to its folder)`);
  const root = process.getuid?.() === 0 ? '/var/tmp' : os.tmpdir();
  const dir = mkdtempSync(path.join(root, `kit-sb-${name}-`));
  const [port, pooler] = [await freePort(), await freePort()];
  const started = await exec(script, [dir, String(port), String(pooler)], { timeoutMs: 120_000 });
  if (started.code !== 0) throw new Error(`start.sh failed (${started.code}): ${started.stderr || started.stdout}`);
  return {
    directUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    poolerUrl: `postgresql://postgres:postgres@127.0.0.1:${pooler}/postgres`,
    adminUrl: `postgresql://supabase_admin:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await exec(script, ['--stop', dir], { timeoutMs: 60_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
