/**
 * The kit's own PostgreSQL cluster: initdb into a git-ignored folder, start, stop, status.
 *
 * Must know: PostgreSQL refuses to run as root, so under root the cluster runs as the `postgres` OS
 * user when the machine has one, otherwise as a system user `aclue-kit` created on first use.
 */
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { KitConfig } from '../lib/config.ts';
import { EnvironmentError } from '../lib/errors.ts';
import { exec } from '../lib/exec.ts';
import { isAlive } from './daemon.ts';
import type { PostgresBinaries } from './postgres-binaries.ts';

export const LOCAL_SUPERUSER = { user: 'postgres', password: 'postgres', database: 'postgres' } as const;

export interface ClusterPaths {
  readonly root: string;
  readonly data: string;
  readonly socketDir: string;
  readonly log: string;
}

export function clusterPaths(config: KitConfig): ClusterPaths {
  const root = path.join(config.stateDir, 'pg');
  return {
    root,
    data: path.join(root, 'data'),
    socketDir: path.join(root, 'run'),
    log: path.join(root, 'postgres.log'),
  };
}

/** The URL of the kit's cluster, in the same shape as the Supabase CLI's local database URL. */
export function localDatabaseUrl(config: KitConfig, database: string = LOCAL_SUPERUSER.database): string {
  const { user, password } = LOCAL_SUPERUSER;
  return `postgresql://${user}:${password}@127.0.0.1:${config.pg.port}/${database}`;
}

interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The OS user the server runs as; undefined means "the current user" (not root). */
async function serverUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'aclue-kit']) {
    const found = await lookupUser(name);
    if (found) return found;
  }
  const created = await exec('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'aclue-kit']);
  const user = await lookupUser('aclue-kit');
  if (!user) {
    throw new EnvironmentError(
      `running as root, and no non-root user could be created for PostgreSQL: ${created.stderr.trim()}`,
      ['Run the kit as a normal user, or create a user named postgres or aclue-kit.'],
    );
  }
  return user;
}

async function lookupUser(name: string): Promise<OsUser | undefined> {
  const uid = await exec('id', ['-u', name]);
  const gid = await exec('id', ['-g', name]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function asUser(user: OsUser | undefined) {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

/** Every ancestor of the cluster folder must be searchable by the server's user, or initdb fails obscurely. */
function assertReachable(dir: string, user: OsUser | undefined): void {
  if (!user) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const st = statSync(current);
    const searchable = st.uid === user.uid ? st.mode & 0o100 : st.gid === user.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!searchable) {
      throw new EnvironmentError(
        `the PostgreSQL user '${user.name}' cannot enter ${current} (mode ${(st.mode & 0o777).toString(8)})`,
        [
          `Set KIT_STATE_DIR to a folder that '${user.name}' can reach (for example /var/tmp/aclue-kit), or run chmod o+x ${current}.`,
        ],
      );
    }
    if (current === path.dirname(current)) return;
  }
}

function chownTree(dir: string, user: OsUser | undefined): void {
  if (!user) return;
  chownSync(dir, user.uid, user.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, user);
    else chownSync(full, user.uid, user.gid);
  }
}

export function isInitialised(paths: ClusterPaths): boolean {
  return existsSync(path.join(paths.data, 'PG_VERSION'));
}

/**
 * initdb into a temporary folder and rename it into place, so an interrupted init never leaves a
 * half-made cluster that later starts look at.
 */
export async function initCluster(
  config: KitConfig,
  pg: PostgresBinaries,
  log: (line: string) => void,
): Promise<boolean> {
  const paths = clusterPaths(config);
  if (isInitialised(paths)) return false;
  const user = await serverUser();
  mkdirSync(paths.root, { recursive: true });
  mkdirSync(paths.socketDir, { recursive: true });
  assertReachable(paths.root, user);
  chownTree(paths.root, user);
  const staging = `${paths.data}.initdb`;
  rmSync(staging, { recursive: true, force: true });
  const pwfile = path.join(paths.root, '.pwfile');
  writeFileSync(pwfile, `${LOCAL_SUPERUSER.password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  log(`initialising a PostgreSQL ${pg.version} cluster in ${paths.data}${user ? ` (as OS user ${user.name})` : ''}`);
  try {
    const out = await exec(
      pg.bin('initdb'),
      [
        '-D',
        staging,
        '-U',
        LOCAL_SUPERUSER.user,
        `--pwfile=${pwfile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        '-E',
        'UTF8',
        '--no-locale',
      ],
      asUser(user),
    );
    if (out.code !== 0)
      throw new EnvironmentError(`initdb failed: ${out.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  // The kit's settings live in their own file, rewritten at every start so a changed port applies.
  writeFileSync(path.join(staging, 'postgresql.conf'), `\ninclude_if_exists = 'kit.conf'\n`, { flag: 'a' });
  renameSync(staging, paths.data);
  return true;
}

function kitConf(config: KitConfig, paths: ClusterPaths): string {
  return [
    '# written by the kit at every `stack up`; edits are overwritten',
    `listen_addresses = '127.0.0.1'`,
    `port = ${config.pg.port}`,
    `unix_socket_directories = '${paths.socketDir}'`,
    `shared_preload_libraries = 'pg_stat_statements'`,
    `pg_stat_statements.track = 'all'`,
    `track_io_timing = on`,
    `max_connections = 100`,
    '',
  ].join('\n');
}

export async function isRunning(pg: PostgresBinaries, paths: ClusterPaths): Promise<boolean> {
  if (!isInitialised(paths)) return false;
  const user = await serverUser();
  const out = await exec(pg.bin('pg_ctl'), ['-D', paths.data, 'status'], asUser(user));
  return out.code === 0;
}

/**
 * The port the cluster in `paths` listens on while it runs, else undefined. Read from postmaster.pid
 * (line 1 the server's pid, line 4 its port), which the server writes at start and removes at stop:
 * the port it really uses, even when kit.conf was rewritten for another one since.
 */
export function runningClusterPort(paths: ClusterPaths): number | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(paths.data, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const [pid, port] = [Number(lines[0]), Number(lines[3])];
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && Number.isInteger(port) && port > 0 ? port : undefined;
}

export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startCluster(
  config: KitConfig,
  pg: PostgresBinaries,
  log: (line: string) => void,
): Promise<boolean> {
  const paths = clusterPaths(config);
  if (await isRunning(pg, paths)) return false;
  if (await portInUse(config.pg.port)) {
    throw new EnvironmentError(`KIT_PG_PORT: port ${config.pg.port} on 127.0.0.1 is already used by another program`, [
      'Stop that program, or choose a free port with KIT_PG_PORT (or --pg-port).',
    ]);
  }
  const user = await serverUser();
  writeFileSync(path.join(paths.data, 'kit.conf'), kitConf(config, paths));
  mkdirSync(paths.socketDir, { recursive: true });
  chownTree(paths.root, user);
  const out = await exec(
    pg.bin('pg_ctl'),
    ['-D', paths.data, '-l', paths.log, '-w', '-t', '60', 'start'],
    asUser(user),
  );
  if (out.code !== 0) {
    throw new EnvironmentError(`PostgreSQL did not start: ${out.stdout.trim().split('\n').slice(-2).join(' | ')}`, [
      `See ${paths.log}.`,
    ]);
  }
  log(`PostgreSQL started on 127.0.0.1:${config.pg.port}`);
  return true;
}

/** Fast shutdown: open transactions are rolled back, committed data is on disk. */
export async function stopCluster(pg: PostgresBinaries, paths: ClusterPaths): Promise<boolean> {
  if (!(await isRunning(pg, paths))) return false;
  const user = await serverUser();
  const out = await exec(pg.bin('pg_ctl'), ['-D', paths.data, '-m', 'fast', '-w', '-t', '60', 'stop'], asUser(user));
  if (out.code !== 0) throw new EnvironmentError(`PostgreSQL did not stop: ${out.stderr.trim()}`);
  return true;
}
