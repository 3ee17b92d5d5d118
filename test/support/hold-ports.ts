/**
 * Plain TCP listeners on given ports, standing in for another program that holds the stack's
 * defaults (a Supabase CLI stack, another checkout's kit). A port some other program already holds
 * is just as taken, so EADDRINUSE counts as held.
 */
import net from 'node:net';

export interface HeldPorts {
  release(): Promise<void>;
}

export async function holdPorts(ports: readonly number[]): Promise<HeldPorts> {
  const servers = await Promise.all(
    ports.map(
      (port) =>
        new Promise<net.Server | undefined>((resolve, reject) => {
          const server = net.createServer((socket) => socket.destroy());
          server.once('error', (error: NodeJS.ErrnoException) =>
            error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error),
          );
          server.listen(port, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  return {
    release: async () => {
      await Promise.all(servers.map((s) => (s ? new Promise((resolve) => s.close(resolve)) : undefined)));
    },
  };
}
