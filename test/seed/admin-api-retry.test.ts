/**
 * The admin API writer (for targets without a database URL) retries a 429 from GoTrue with backoff
 * and reports it; a stand-in server answers the first request for each account with 429.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiAuth } from '../../seed/auth.ts';
import { uuidBytes } from '../../seed/uuid.ts';

let server: Server;
let url: string;
const seen = new Map<string, number>();
const created: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const user = JSON.parse(body || '{}') as { id?: string; email?: string };
      const tries = (seen.get(user.email ?? '') ?? 0) + 1;
      seen.set(user.email ?? '', tries);
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || req.url !== '/auth/v1/admin/users') {
        res.writeHead(404).end('{"code":404,"msg":"not found"}');
      } else if (tries === 1) {
        res
          .writeHead(429)
          .end(JSON.stringify({ code: 429, error_code: 'over_request_rate_limit', msg: 'Request rate limit reached' }));
      } else {
        created.push(user.email!);
        res.writeHead(200).end(
          JSON.stringify({
            id: user.id,
            aud: 'authenticated',
            role: 'authenticated',
            email: user.email,
            app_metadata: {},
            user_metadata: {},
            created_at: new Date().toISOString(),
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describe('admin API writer', () => {
  it('retries a 429 and creates every account once, counting the retries', async () => {
    const auth = new AdminApiAuth(url, 'service-role-key');
    const accounts = Array.from({ length: 5 }, (_, i) => ({
      id: uuidBytes(randomUUID()),
      email: `u${i}@example.test`,
      createdAt: 0,
      metadata: {},
    }));
    const progress: number[] = [];
    await auth.create(accounts, 'password-1', (n) => progress.push(n));
    expect(created.sort()).toEqual(accounts.map((a) => a.email).sort());
    expect(auth.retries).toBe(5);
    expect(progress.at(-1)).toBe(5);
  });
});
