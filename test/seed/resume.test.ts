/**
 * A staging seed is all or nothing: without the JWT secret it signs users in over HTTP, and a seed
 * stopped there (killed midway, or refused) leaves its run incomplete, never complete; the same
 * command run again finishes it (its rows kept) instead of refusing the seed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/paths.ts';
import { runSeed } from '../../seed/run.ts';
import { signInTokens } from '../../seed/sign-in.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { nodeBin, runScript } from '../support/run-script.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { localTarget } from './support.ts';

let db: TestDatabase;
let stack: TestStack;
let tmp: string;
let proxy: Server;
let proxyUrl: string;
/** What the proxy does with a password sign-in: pass it on, hang, or refuse it. */
let signIns: 'pass' | 'hang' | 'refuse' | 'limit' = 'pass';
let signInsSeen = 0;

beforeAll(async () => {
  db = await freshDatabase();
  stack = await startTestStack(db);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-seed-resume-'));
  const target = new URL(stack.url);
  // In front of the stack's Auth face: counts sign-ins and, once told, stops answering them.
  proxy = createServer((req, res) => {
    if (req.url?.startsWith('/auth/v1/token')) {
      signInsSeen += 1;
      if (signIns === 'hang' && signInsSeen > 4) return;
      if (signIns === 'limit' && (signInsSeen === 2 || signInsSeen === 3)) {
        res.writeHead(429, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ code: 429, error_code: 'over_request_rate_limit', msg: 'Request rate limit reached' }),
        );
        return;
      }
      if (signIns === 'refuse' && signInsSeen > 4) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'refused by the test' }));
        return;
      }
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await stack?.stop();
  await db?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const args = ['--target', 'staging', '--confirm-target', '127.0.0.1', '--scale', '0.02', '--users', '20'];
const env = () => ({
  PATH: process.env.PATH ?? '',
  HOME: os.tmpdir(),
  KIT_ENV_FILE: '/dev/null',
  KIT_STATE_DIR: path.join(tmp, 'state'),
  DATABASE_URL: db.url,
  SUPABASE_URL: proxyUrl,
  SUPABASE_ANON_KEY: stack.anonKey,
  SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
});
const runOf = async (seed: string) =>
  (
    await db.pool.query<{ run_id: string; status: string }>(
      'select run_id, status from kit_truth.runs where seed = $1',
      [seed],
    )
  ).rows[0];

describe('signing seeded users in without the JWT secret', () => {
  it("waits out GoTrue's 429, saying so, and signs everyone in", async () => {
    const seeded = await runSeed({ seed: 'limited', scale: 0.02, users: 5, target: await localTarget(db.url) });
    signIns = 'limit';
    signInsSeen = 0;
    const lines: string[] = [];
    const target = { ...(await localTarget(db.url, proxyUrl)), anonKey: stack.anonKey, tokenSigner: undefined };
    const tokens = await signInTokens(target, seeded.world, 5, (l) => lines.push(l), 10);
    expect(tokens.size).toBe(5);
    expect(signInsSeen).toBe(7);
    expect(lines.filter((l) => l.includes('rate-limited (429'))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/signed in 5\/5/);
    signIns = 'pass';
  });
});

describe('a staging seed stopped during sign-in', () => {
  it('killed midway, leaves the run incomplete; the same command again finishes it', async () => {
    signIns = 'hang';
    signInsSeen = 0;
    const child: ChildProcess = spawn(
      nodeBin,
      ['--import', 'tsx', path.join(repoRoot, 'scripts', 'seed.ts'), ...args, '--seed', 'killed', '--sign-in', '10'],
      {
        cwd: repoRoot,
        env: env(),
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 90_000;
    while (signInsSeen < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(signInsSeen).toBe(5);
    child.kill('SIGKILL');
    await exited;
    const stopped = await runOf('killed');
    expect(stopped?.status).toBe('running');

    signIns = 'pass';
    const again = await runScript('scripts/seed.ts', [...args, '--seed', 'killed', '--sign-in', '10'], env());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('finishing it');
    expect((await runOf('killed'))?.status).toBe('complete');
    const manifest = JSON.parse(
      readFileSync(path.join(repoRoot, 'reports', 'seed', stopped!.run_id, 'manifest.json'), 'utf8'),
    ) as {
      users: { accessToken?: string }[];
    };
    expect(manifest.users.filter((u) => u.accessToken).length).toBe(10);
    rmSync(path.join(repoRoot, 'reports', 'seed', stopped!.run_id), { recursive: true, force: true });
  }, 240_000);

  it('refused, exits 3 saying the run is incomplete and how to finish or remove it', async () => {
    signIns = 'refuse';
    signInsSeen = 0;
    const refused = await runScript('scripts/seed.ts', [...args, '--seed', 'refused', '--sign-in', '10'], env());
    expect(refused.code).toBe(3);
    const run = await runOf('refused');
    expect(run?.status).not.toBe('complete');
    expect(refused.stderr).toContain(`seed run ${run!.run_id} is incomplete`);
    expect(refused.stderr).toContain('Run the same command again');
    signIns = 'pass';
    const again = await runScript('scripts/seed.ts', [...args, '--seed', 'refused', '--sign-in', '10'], env());
    expect(again.code, again.stderr).toBe(0);
    expect((await runOf('refused'))?.status).toBe('complete');
    rmSync(path.join(repoRoot, 'reports', 'seed', run!.run_id), { recursive: true, force: true });
  }, 240_000);
});
