/**
 * Pre-minted access tokens name a session (GoTrue's `session_id` claim, the user's id here). A
 * password sign-in would have created that session; on the local stack the kit records it in
 * auth.sessions, so the Auth face accepts the tokens everywhere (`/auth/v1/user`, the App API's
 * `/auth/me`), not only where a route checks the signature alone. Deleting the Auth user (the seed's
 * `--clean`) removes its sessions with it (ON DELETE CASCADE).
 */
import type pg from 'pg';

export async function recordTokenSessions(
  client: pg.Client | pg.PoolClient,
  userIds: readonly string[],
  expiresAt: Date,
): Promise<number> {
  const { rowCount } = await client.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, not_after)
     select u, u, now(), now(), 'aal1', $2 from unnest($1::uuid[]) as u
     on conflict (id) do update set not_after = excluded.not_after, updated_at = now()`,
    [userIds, expiresAt],
  );
  return rowCount ?? 0;
}

/** The same for every user of a run, set-based from the run's truth (nothing per user held in Node). */
export async function recordRunTokenSessions(
  client: pg.Client | pg.PoolClient,
  runId: string,
  expiresAt: Date,
): Promise<number> {
  const { rowCount } = await client.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, not_after)
     select user_id, user_id, now(), now(), 'aal1', $2 from kit_truth.users where run_id = $1
     on conflict (id) do update set not_after = excluded.not_after, updated_at = now()`,
    [runId, expiresAt],
  );
  return rowCount ?? 0;
}
