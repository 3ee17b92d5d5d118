/**
 * Seeded users' pre-minted tokens work wherever a signed-in user's token works, including the
 * routes that ask Auth for the live session (`/auth/v1/user`, the App API's `/auth/me`).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';

let seeded: SeededStack;

beforeAll(async () => {
  seeded = await startSeededStack('token-sessions', 4);
});

afterAll(() => seeded?.stop());

describe('pre-minted tokens of a local seed', () => {
  it('are accepted by Auth and by /api/v1/auth/me', async () => {
    const manifest = JSON.parse(readFileSync(seeded.manifestFile, 'utf8')) as {
      users: { id: string; accessToken: string }[];
    };
    const user = manifest.users[0]!;
    const auth = await fetch(`${seeded.stack.url}/auth/v1/user`, {
      headers: { apikey: seeded.stack.anonKey, authorization: `Bearer ${user.accessToken}` },
    });
    expect(auth.status).toBe(200);
    expect(((await auth.json()) as { id: string }).id).toBe(user.id);
    const me = await fetch(`${seeded.stack.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(me.status).toBe(200);
  });

  it('lose their sessions with their accounts', async () => {
    const { rows } = await seeded.db.pool.query(
      'select count(*)::int as n from auth.sessions s join auth.users u on u.id = s.user_id',
    );
    expect(rows[0].n).toBe(4);
    await seeded.db.pool.query('delete from auth.users');
    const after = await seeded.db.pool.query('select count(*)::int as n from auth.sessions');
    expect(after.rows[0].n).toBe(0);
  });
});
