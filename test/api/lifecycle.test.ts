/**
 * The whole local stack as `npm run stack` drives it (stack/lifecycle.ts), in a throwaway state
 * folder on free ports (its own PostgreSQL cluster): `up` twice changes nothing, `down` while
 * requests are in flight loses no acknowledged write, and `up` after a kill -9 of PostgREST or of
 * the server restarts exactly what is missing.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KitConfig, loadConfig } from '../../lib/config.ts';
import { localDatabaseUrl } from '../../stack/cluster.ts';
import { serverDown, serverUp, stackDown, stackStatus, stackUp } from '../../stack/lifecycle.ts';
import { localKeys } from '../../stack/server/keys.ts';
import { freePort } from '../support/ports.ts';

let config: KitConfig;
let stateDir: string;
let pool: pg.Pool;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

async function api(pathAndQuery: string, init: RequestInit = {}) {
  const keys = await localKeys(config.jwtSecret);
  return fetch(`http://127.0.0.1:${config.api.port}/rest/v1${pathAndQuery}`, {
    ...init,
    headers: {
      apikey: keys.serviceRoleKey,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'kit-lifecycle-'));
  chmodSync(stateDir, 0o755); // under root the cluster runs as another OS user, who must enter it
  const [pgPort, apiPort, restPort] = [await freePort(), await freePort(), await freePort()];
  config = loadConfig({
    env: {
      HOME: os.tmpdir(),
      KIT_ENV_FILE: '/dev/null',
      KIT_STATE_DIR: stateDir,
      KIT_PG_PORT: String(pgPort),
      KIT_API_PORT: String(apiPort),
      KIT_POSTGREST_PORT: String(restPort),
    },
  });
  await stackUp(config, log);
  pool = new pg.Pool({ connectionString: localDatabaseUrl(config), max: 2 });
  // A write that takes a while, so requests are surely in flight when the server is told to stop.
  await pool.query(`
    create function public.kit_test_slow_signup(p_email text) returns void language sql volatile as $$
      select pg_sleep(0.4);
      insert into public.newsletter_signups (email, source) values (p_email, 'lifecycle-test');
    $$`);
  await pool.query('grant execute on function public.kit_test_slow_signup(text) to service_role');
  await pool.query(`notify pgrst, 'reload schema'`);
  await waitFor(
    async () =>
      (await api('/rpc/kit_test_slow_signup', { method: 'POST', body: '{"p_email":"probe@example.test"}' })).status ===
      204,
    'the schema reload',
  );
}, 300_000);

afterAll(async () => {
  await pool?.end();
  if (config) await stackDown(config, () => undefined);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('stack lifecycle', () => {
  it('up starts database, PostgREST and server; status shows all three with versions and keys', async () => {
    expect(lines.some((l) => l.startsWith('PostgREST started on'))).toBe(true);
    expect(lines.some((l) => l.startsWith('API server started on'))).toBe(true);
    const status = await stackStatus(config);
    expect(status.ok).toBe(true);
    expect(status.database.running).toBe(true);
    expect(status.postgrest.version).toBe('12.0.2');
    expect(status.server.version).toMatch(/Fastify 5\.12\.8/);
    const keys = await localKeys(config.jwtSecret);
    expect(status.keys).toMatchObject({ mode: 'legacy', anonKey: keys.anonKey, serviceRoleKey: keys.serviceRoleKey });
  });

  it('up a second time starts nothing', async () => {
    const before = await stackStatus(config);
    const again: string[] = [];
    await stackUp(config, (line) => again.push(line));
    const after = await stackStatus(config);
    expect(again.filter((l) => /started/.test(l))).toEqual([]);
    expect(after.postgrest.pid).toBe(before.postgrest.pid);
    expect(after.server.pid).toBe(before.server.pid);
  });

  it('down while writes are in flight loses none of them: the server drains before it exits', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => `drain-${i}-${Date.now()}@example.test`);
    const writes = emails.map((email) =>
      api('/rpc/kit_test_slow_signup', { method: 'POST', body: JSON.stringify({ p_email: email }) }).then(
        (response) => response.status,
        (error: Error) => error.message,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 150)); // all eight are now waiting on PostgreSQL
    const stopping = Date.now();
    const stopped = await serverDown(config, () => undefined);
    expect(stopped).toBe(true);
    // It exited on its own after draining, well before the 30 s grace after which it would be killed.
    expect(Date.now() - stopping).toBeLessThan(20_000);
    const statuses = await Promise.all(writes);
    expect(statuses).toEqual(Array(8).fill(204));
    const { rows } = await pool.query<{ n: number }>(
      'select count(*)::int as n from public.newsletter_signups where email = any($1)',
      [emails],
    );
    expect(rows[0]!.n).toBe(8);
    // And it is really down: new requests are refused.
    await expect(api('/newsletter_signups?select=id&limit=1')).rejects.toThrow();
    await serverUp(config, () => undefined);
  });

  it.each(['postgrest', 'server'] as const)('up after kill -9 of %s restarts only what is missing', async (part) => {
    const before = await stackStatus(config);
    const victim = before[part].pid!;
    const survivor = part === 'postgrest' ? before.server.pid : before.postgrest.pid;
    process.kill(victim, 'SIGKILL');
    await waitFor(async () => !(await stackStatus(config))[part].running, `${part} to die`);
    expect((await stackStatus(config)).ok).toBe(false);
    if (part === 'postgrest') {
      // The gateway stays up and says what is wrong instead of hanging.
      const down = await api('/newsletter_signups?select=email&limit=1');
      expect(down.status).toBe(502);
      expect(((await down.json()) as { message: string }).message).toBe(
        'An invalid response was received from the upstream server',
      );
    }

    const restarted: string[] = [];
    await stackUp(config, (line) => restarted.push(line));
    const after = await stackStatus(config);
    expect(after.ok).toBe(true);
    expect(after[part].pid).not.toBe(victim);
    expect((part === 'postgrest' ? after.server : after.postgrest).pid).toBe(survivor);
    expect(restarted.filter((l) => /started/.test(l))).toHaveLength(1);
    const read = await api('/newsletter_signups?select=email&source=eq.lifecycle-test&limit=1');
    expect(read.status).toBe(200);
  });
});
