/**
 * Plain TCP listeners on given ports, standing in for another program that holds the stack's
 * defaults (a Supabase CLI stack, another checkout's kit). A port some other program already holds
 * is just as taken, so EADDRINUSE counts as held.
 *
 * Test files run in parallel and several of them hold the same default ports: one file releasing
 * them while another still counts on them being taken made the demo start its database on a port
 * that was taken again a moment later. So holders take turns, through a lock folder every test
 * process on the machine sees; a lock whose owner has died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HeldPorts {
  release(): Promise<void>;
}

const lockDir = path.join(os.tmpdir(), 'aclue-kit-held-ports.lock');

export async function holdPorts(ports: readonly number[], waitMs = 600_000): Promise<HeldPorts> {
  await takeLock(waitMs);
  let servers: (net.Server | undefined)[];
  try {
    servers = await Promise.all(ports.map(listen));
  } catch (error) {
    freeLock();
    throw error;
  }
  return {
    release: async () => {
      await Promise.all(servers.map((s) => (s ? new Promise((resolve) => s.close(resolve)) : undefined)));
      freeLock();
    },
  };
}

function listen(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function takeLock(waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!ownerAlive()) rmSync(lockDir, { recursive: true, force: true });
    else if (Date.now() > deadline)
      throw new Error(`held ports: ${lockDir} still taken after ${waitMs / 1000} s by another test process`);
    else await sleep(200);
  }
}

/**
 * False when the owner's process is gone. A lock without its pid yet is being written, unless it
 * has stayed so for seconds (its owner died between the two steps).
 */
function ownerAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    return beingWritten();
  }
  if (!Number.isInteger(pid) || pid <= 0) return beingWritten();
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function beingWritten(): boolean {
  try {
    return Date.now() - statSync(lockDir).mtimeMs < 10_000;
  } catch {
    return false; // gone meanwhile: the next turn takes it
  }
}

function freeLock(): void {
  rmSync(lockDir, { recursive: true, force: true });
}
