/**
 * Entry point of the kit's API server process, started in the background by `npm run stack -- up`
 * (stack/lifecycle.ts) with its output appended to <state dir>/api/server.log.
 * Settings come from the usual places (lib/config.ts); flags and `--help`: `processes.server` in
 * lib/commands.ts. SIGTERM or SIGINT closes it gracefully:
 * no new connections, in-flight requests finish, then the pools close.
 */
import { once } from 'node:events';
import { parseCommand, runCommand } from '../../lib/cli.ts';
import { processes } from '../../lib/commands.ts';
import { loadConfig } from '../../lib/config.ts';
import { EnvironmentError, ExitCode } from '../../lib/errors.ts';
import { serverOptionsFor } from '../lifecycle.ts';
import { buildApp } from './app.ts';

await runCommand(async () => {
  const { values } = parseCommand(processes.server, process.argv.slice(2));
  const config = loadConfig({ flags: values });
  const app = await buildApp({ ...serverOptionsFor(config), logger: { level: 'info' } });
  const stopping = Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  try {
    await app.listen({ host: '127.0.0.1', port: config.api.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `KIT_API_PORT: cannot listen on 127.0.0.1:${config.api.port} (${code ?? (error as Error).message})`,
      ['Stop the program using that port, or choose another with KIT_API_PORT (or --api-port).'],
    );
  }
  await stopping;
  app.log.info('shutting down: draining in-flight requests');
  await app.close();
  app.log.info('stopped');
  return ExitCode.ok;
});
