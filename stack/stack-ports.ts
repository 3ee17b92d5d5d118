/**
 * Ports for a local stack that a command brings up for its own use (`npm run demo`), so it runs
 * beside a Supabase CLI stack or another checkout's kit stack, which hold the same default ports.
 *
 * Per port setting: a value the user set (flag, environment, .env) is kept, and `stack up` refuses
 * it with its usual message when it is taken; a default is replaced by the port this checkout's
 * stack already runs on (an earlier demo may have moved it), else kept when free, else replaced by
 * a free port. `npm run stack -- up` does not use this: other tools and docs rely on its fixed ports.
 */
import { writeFileSync } from 'node:fs';
import type { KitConfig } from '../lib/config.ts';
import { freePort } from '../lib/ports.ts';
import { clusterPaths, portInUse, runningClusterPort } from './cluster.ts';
import { apiUrl, postgrestOptionsFor, runningServerPort } from './lifecycle.ts';
import { runningPostgrestPort } from './postgrest.ts';

export type PortSetting = 'KIT_PG_PORT' | 'KIT_API_PORT' | 'KIT_POSTGREST_PORT';

/** What the choice needs to know about the machine; the real one is `machineProbe`. */
export interface PortProbe {
  /** The port this checkout's part runs on, or undefined when it does not run. */
  running(setting: PortSetting): number | undefined;
  inUse(port: number): Promise<boolean>;
  free(): Promise<number>;
}

export interface StackPorts {
  /** The configuration with the chosen ports, for anything this process asks the stack. */
  readonly config: KitConfig;
  readonly ports: Readonly<Record<PortSetting, number>>;
  /** Environment for the command's phases: the three ports, and K6_API_URL unless the user set it. */
  readonly env: Readonly<Record<string, string>>;
  /** Which ports the stack uses, and why any is not the configured one. */
  readonly sentence: string;
  /** Settings `npm run stack` needs to find this stack, e.g. "KIT_PG_PORT=41234 "; empty when none. */
  readonly stackSettings: string;
}

const PARTS: readonly { setting: PortSetting; name: string; port: (c: KitConfig) => number }[] = [
  { setting: 'KIT_PG_PORT', name: 'database', port: (c) => c.pg.port },
  { setting: 'KIT_API_PORT', name: 'API', port: (c) => c.api.port },
  { setting: 'KIT_POSTGREST_PORT', name: 'PostgREST', port: (c) => c.postgrest.port },
];

export function machineProbe(config: KitConfig): PortProbe {
  return {
    running: (setting) =>
      setting === 'KIT_PG_PORT'
        ? runningClusterPort(clusterPaths(config))
        : setting === 'KIT_API_PORT'
          ? runningServerPort(config)
          : runningPostgrestPort(postgrestOptionsFor(config).dir),
    inUse: portInUse,
    free: freePort,
  };
}

/**
 * @param given the process environment, only to keep a K6_API_URL the user set.
 * @example with 54322 held by `supabase start` and nothing set: ports.KIT_PG_PORT is a free port and
 * the sentence says "54322 (KIT_PG_PORT) is used by another program".
 */
export async function chooseStackPorts(
  config: KitConfig,
  given: Readonly<Record<string, string | undefined>>,
  probe = machineProbe(config),
): Promise<StackPorts> {
  const ports = {} as Record<PortSetting, number>;
  const taken: { setting: PortSetting; port: number }[] = [];
  let alreadyRunning = false;
  for (const part of PARTS) {
    const configured = part.port(config);
    // Set by the user, or not used at all (DATABASE_URL names the database): as configured.
    if (config.sources[part.setting] !== undefined || (part.setting === 'KIT_PG_PORT' && config.databaseUrl)) {
      ports[part.setting] = configured;
      continue;
    }
    const running = probe.running(part.setting);
    if (running !== undefined) {
      ports[part.setting] = running;
      alreadyRunning ||= running !== configured;
    } else if (!(await probe.inUse(configured))) {
      ports[part.setting] = configured;
    } else {
      ports[part.setting] = await distinctFreePort(probe, Object.values(ports));
      taken.push({ setting: part.setting, port: configured });
    }
  }

  const chosen: KitConfig = {
    ...config,
    pg: { ...config.pg, port: ports.KIT_PG_PORT },
    api: { port: ports.KIT_API_PORT },
    postgrest: { port: ports.KIT_POSTGREST_PORT },
  };
  const moved = PARTS.filter((p) => ports[p.setting] !== p.port(config));
  const where = [
    `database ${config.databaseUrl ? 'from DATABASE_URL' : `127.0.0.1:${ports.KIT_PG_PORT}`}`,
    `API ${apiUrl(chosen)}`,
    `PostgREST 127.0.0.1:${ports.KIT_POSTGREST_PORT}`,
  ].join(', ');
  const plural = taken.length > 1;
  const why = [
    ...(taken.length > 0
      ? [
          `default port${plural ? 's' : ''} ${taken.map((t) => `${t.port} (${t.setting})`).join(' and ')} ${plural ? 'are' : 'is'} used by another program, ` +
            `so the stack takes ${plural ? 'free ports' : 'a free port'} instead (set ${taken.map((t) => t.setting).join(', ')} to choose)`,
        ]
      : []),
    ...(alreadyRunning ? ["this checkout's stack already runs there"] : []),
  ];
  const stackSettings = moved.map((p) => `${p.setting}=${ports[p.setting]} `).join('');
  const env: Record<string, string> = Object.fromEntries(PARTS.map((p) => [p.setting, String(ports[p.setting])]));
  // The load phases aim at K6_API_URL, whose default is the default API port.
  if (!given.K6_API_URL?.trim()) env.K6_API_URL = apiUrl(chosen);
  return {
    config: chosen,
    ports,
    env,
    sentence: `stack on ${where}${why.length > 0 ? `: ${why.join('; ')}` : ''}`,
    stackSettings,
  };
}

async function distinctFreePort(probe: PortProbe, used: readonly number[]): Promise<number> {
  for (;;) {
    const port = await probe.free();
    if (!used.includes(port)) return port;
  }
}

/** The ports as a small JSON file in a run folder, so the run's files say where its stack was. */
export function recordStackPorts(file: string, chosen: StackPorts): void {
  const record = { ports: chosen.ports, apiUrl: apiUrl(chosen.config), note: chosen.sentence };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}
