/**
 * The demo's port choice (stack/stack-ports.ts): defaults held by another program are swapped for
 * free ports, settings the user gave are kept, and this checkout's running stack keeps its ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { portInUse } from '../../stack/cluster.ts';
import { chooseStackPorts, type PortProbe, type PortSetting } from '../../stack/stack-ports.ts';
import { holdPorts } from '../support/hold-ports.ts';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kit-ports-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const config = (env: Record<string, string> = {}) =>
  loadConfig({ env: { KIT_ENV_FILE: '/dev/null', KIT_STATE_DIR: stateDir, ...env } });

/** A machine where `held` ports are taken, free ports count up from 41000, and `running` parts of this checkout run. */
function probe(
  held: readonly number[],
  running: Partial<Record<PortSetting, number>> = {},
): PortProbe & { asked: number[] } {
  let next = 41000;
  const asked: number[] = [];
  return {
    asked,
    running: (setting) => running[setting],
    inUse: async (port) => {
      asked.push(port);
      return held.includes(port);
    },
    free: async () => next++,
  };
}

describe('chooseStackPorts', () => {
  it('keeps the default ports when they are free, and aims the load at the API', async () => {
    const chosen = await chooseStackPorts(config(), {}, probe([]));
    expect(chosen.ports).toEqual({ KIT_PG_PORT: 54322, KIT_API_PORT: 54321, KIT_POSTGREST_PORT: 54331 });
    expect(chosen.env).toEqual({
      KIT_PG_PORT: '54322',
      KIT_API_PORT: '54321',
      KIT_POSTGREST_PORT: '54331',
      K6_API_URL: 'http://127.0.0.1:54321',
    });
    expect(chosen.sentence).toBe(
      'stack on database 127.0.0.1:54322, API http://127.0.0.1:54321, PostgREST 127.0.0.1:54331',
    );
    expect(chosen.stackSettings).toBe('');
  });

  it('takes free ports for defaults another program holds, and says which and why', async () => {
    const chosen = await chooseStackPorts(config(), {}, probe([54321, 54322]));
    expect(chosen.ports).toEqual({ KIT_PG_PORT: 41000, KIT_API_PORT: 41001, KIT_POSTGREST_PORT: 54331 });
    expect(chosen.config.pg.port).toBe(41000);
    expect(chosen.config.api.port).toBe(41001);
    expect(chosen.env.K6_API_URL).toBe('http://127.0.0.1:41001');
    expect(chosen.sentence).toBe(
      'stack on database 127.0.0.1:41000, API http://127.0.0.1:41001, PostgREST 127.0.0.1:54331: default ports 54322 (KIT_PG_PORT) and ' +
        '54321 (KIT_API_PORT) are used by another program, so the stack takes free ports instead (set KIT_PG_PORT, KIT_API_PORT to choose)',
    );
    expect(chosen.stackSettings).toBe('KIT_PG_PORT=41000 KIT_API_PORT=41001 ');
  });

  it('keeps a port the user set even when it is taken (stack up then refuses it), and a K6_API_URL the user set', async () => {
    const machine = probe([54321, 54322]);
    const chosen = await chooseStackPorts(
      config({ KIT_PG_PORT: '54322' }),
      { K6_API_URL: 'http://127.0.0.1:9' },
      machine,
    );
    expect(chosen.ports.KIT_PG_PORT).toBe(54322);
    expect(machine.asked).not.toContain(54322);
    expect(chosen.ports.KIT_API_PORT).toBe(41000);
    expect(chosen.env.K6_API_URL).toBeUndefined();
    expect(chosen.sentence).toContain(
      'default port 54321 (KIT_API_PORT) is used by another program, so the stack takes a free port instead',
    );
  });

  it("reuses the ports this checkout's stack already runs on", async () => {
    const chosen = await chooseStackPorts(
      config(),
      {},
      probe([54321, 54322], { KIT_PG_PORT: 42000, KIT_API_PORT: 42001 }),
    );
    expect(chosen.ports).toEqual({ KIT_PG_PORT: 42000, KIT_API_PORT: 42001, KIT_POSTGREST_PORT: 54331 });
    expect(chosen.sentence).toContain("this checkout's stack already runs there");
    expect(chosen.sentence).not.toContain('another program');
  });

  it('leaves the cluster port alone when DATABASE_URL names the database', async () => {
    const machine = probe([54322]);
    const chosen = await chooseStackPorts(config({ DATABASE_URL: 'postgresql://u:p@db.test:5432/x' }), {}, machine);
    expect(machine.asked).not.toContain(54322);
    expect(chosen.sentence).toMatch(/^stack on database from DATABASE_URL, API/);
  });

  it('on this machine: with a listener on 54321 and 54322, both move to ports that are free', async () => {
    const held = await holdPorts([54321, 54322]);
    try {
      const chosen = await chooseStackPorts(config(), {});
      expect(chosen.ports.KIT_PG_PORT).not.toBe(54322);
      expect(chosen.ports.KIT_API_PORT).not.toBe(54321);
      expect(chosen.ports.KIT_PG_PORT).not.toBe(chosen.ports.KIT_API_PORT);
      expect(await portInUse(chosen.ports.KIT_PG_PORT)).toBe(false);
      expect(await portInUse(chosen.ports.KIT_API_PORT)).toBe(false);
    } finally {
      await held.release();
    }
  });
});
