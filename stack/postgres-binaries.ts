import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';

export const MIN_POSTGRES_MAJOR = 15;

export interface PostgresBinaries {
  readonly bindir: string;
  readonly version: string;
  readonly major: number;
  readonly how: string;
  bin(name: 'initdb' | 'pg_ctl' | 'postgres' | 'psql' | 'pgbench' | 'pg_isready'): string;
}

const INSTALL_HINTS = [
  'Install the PostgreSQL server binaries (15 or newer):',
  '  Debian/Ubuntu: apt-get install postgresql   (or postgresql-15 / postgresql-16)',
  '  Fedora/RHEL:   dnf install postgresql-server postgresql-contrib',
  '  macOS:         brew install postgresql@16',
  'or set KIT_PG_BINDIR to the folder holding initdb and pg_ctl, or DATABASE_URL to an existing server.',
];

/**
 * Finds PostgreSQL server binaries: KIT_PG_BINDIR, then `pg_config --bindir`, then the Debian layout
 * (/usr/lib/postgresql/<major>/bin, newest first), then initdb on PATH. The client-only `psql` that
 * many machines have is not enough: the kit runs its own server.
 */
export async function findPostgres(configured: string | undefined): Promise<PostgresBinaries> {
  const candidates: { dir: string; how: string }[] = [];
  if (configured) candidates.push({ dir: configured, how: 'KIT_PG_BINDIR' });
  const pgConfig = await exec('pg_config', ['--bindir']);
  if (pgConfig.code === 0) candidates.push({ dir: pgConfig.stdout.trim(), how: 'pg_config --bindir' });
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) candidates.push({ dir: path.join(debian, major, 'bin'), how: 'Debian layout' });
  }
  const which = await exec('sh', ['-c', 'command -v initdb']);
  if (which.code === 0) candidates.push({ dir: path.dirname(which.stdout.trim()), how: 'PATH' });

  const rejected: string[] = [];
  for (const { dir, how } of candidates) {
    if (!existsSync(path.join(dir, 'initdb')) || !existsSync(path.join(dir, 'pg_ctl'))) {
      if (how === 'KIT_PG_BINDIR') rejected.push(`${dir} (KIT_PG_BINDIR) has no initdb/pg_ctl`);
      continue;
    }
    const out = await exec(path.join(dir, 'postgres'), ['--version']);
    const match = /(\d+)(?:\.(\d+))?/.exec(out.stdout);
    if (out.code !== 0 || !match) {
      rejected.push(`${dir}: postgres --version failed`);
      continue;
    }
    const major = Number(match[1]);
    if (major < MIN_POSTGRES_MAJOR) {
      rejected.push(`${dir}: PostgreSQL ${match[0]} is older than ${MIN_POSTGRES_MAJOR}`);
      continue;
    }
    return {
      bindir: dir,
      version: match[0],
      major,
      how,
      bin: (name) => path.join(dir, name),
    };
  }
  throw new EnvironmentError(
    `PostgreSQL server binaries (${MIN_POSTGRES_MAJOR} or newer) not found${rejected.length ? `: ${rejected.join('; ')}` : ''}`,
    INSTALL_HINTS,
  );
}
