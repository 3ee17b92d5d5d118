/**
 * Sessions, access tokens and rotating refresh tokens, stored in GoTrue's tables
 * (auth.sessions, auth.refresh_tokens). A refresh token works once: using it revokes it and issues
 * its child; logging out deletes the session, which cascades to its tokens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JwtSigner } from '../../../lib/jwt.ts';
import type { Queryable } from './db.ts';
import { badRequest } from './errors.ts';
import { AUDIENCE, findUserById, INSTANCE_ID, type UserRow, userJson } from './users.ts';

/** GoTrue's default `jwt_expiry`. */
export const ACCESS_TOKEN_SECONDS = 3600;

export interface TokenSettings {
  /** The project's HS256 secret or its asymmetric signing key. */
  readonly signer: JwtSigner;
  /** `<public url>/auth/v1`, the `iss` claim. */
  readonly issuer: string;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
}

function newRefreshToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function accessToken(
  settings: TokenSettings,
  user: UserRow,
  session: SessionRow,
  now = Math.floor(Date.now() / 1000),
) {
  const claims = {
    aud: user.aud ?? AUDIENCE,
    exp: now + ACCESS_TOKEN_SECONDS,
    iat: now,
    iss: settings.issuer,
    sub: user.id,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: Math.floor(session.created_at.getTime() / 1000) }],
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  };
  return { token: await settings.signer.sign(claims), expiresAt: claims.exp };
}

async function tokenResponse(settings: TokenSettings, user: UserRow, session: SessionRow, refreshToken: string) {
  const { token, expiresAt } = await accessToken(settings, user, session);
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

/** A new session with its first refresh token; stamps last_sign_in_at. Call inside a transaction. */
export async function startSession(
  db: Queryable,
  settings: TokenSettings,
  user: UserRow,
  userAgent: string | undefined,
  ip: string | undefined,
) {
  const { rows } = await db.query<SessionRow>(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
     values ($1, $2, now(), now(), 'aal1', $3, $4) returning id, user_id, created_at`,
    [randomUUID(), user.id, userAgent ?? null, ip ?? null],
  );
  const session = rows[0]!;
  const refreshToken = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, session_id)
     values ($1, $2, $3, false, now(), now(), $4)`,
    [INSTANCE_ID, refreshToken, user.id, session.id],
  );
  const updated = await db.query<{ last_sign_in_at: Date }>(
    'update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1 returning last_sign_in_at',
    [user.id],
  );
  const signedIn = { ...user, last_sign_in_at: updated.rows[0]?.last_sign_in_at ?? user.last_sign_in_at };
  return tokenResponse(settings, signedIn, session, refreshToken);
}

/**
 * Exchanges a refresh token for a new pair. The `revoked = false` condition in the UPDATE makes
 * rotation atomic: of two concurrent uses of one token, exactly one wins.
 */
export async function refreshSession(db: Queryable, settings: TokenSettings, token: unknown) {
  if (typeof token !== 'string' || token === '') throw badRequest('validation_failed', 'refresh_token required');
  const { rows } = await db.query<{ id: string; user_id: string; session_id: string | null }>(
    `update auth.refresh_tokens set revoked = true, updated_at = now()
     where token = $1 and revoked = false returning id, user_id, session_id`,
    [token],
  );
  const used = rows[0];
  if (!used) {
    const known = await db.query('select 1 from auth.refresh_tokens where token = $1', [token]);
    if (known.rowCount) throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  }
  const sessions = await db.query<SessionRow>(
    'update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1 returning id, user_id, created_at',
    [used.session_id],
  );
  const session = sessions.rows[0];
  if (!session) throw badRequest('session_not_found', 'Invalid Refresh Token: Session Not Found');
  const user = await findUserById(db, used.user_id);
  if (!user) throw badRequest('user_not_found', 'Invalid Refresh Token: User Not Found');
  const refreshToken = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, $3, false, now(), now(), $4, $5)`,
    [INSTANCE_ID, refreshToken, user.id, token, session.id],
  );
  return tokenResponse(settings, user, session, refreshToken);
}

export async function sessionExists(db: Queryable, sessionId: string): Promise<boolean> {
  const { rowCount } = await db.query('select 1 from auth.sessions where id = $1', [sessionId]);
  return (rowCount ?? 0) > 0;
}

/** scope global: every session of the user; local: this one; others: all but this one. */
export async function endSessions(
  db: Queryable,
  userId: string,
  sessionId: string,
  scope: 'global' | 'local' | 'others',
) {
  const where = {
    global: 'user_id = $1',
    local: 'user_id = $1 and id = $2',
    others: 'user_id = $1 and id <> $2',
  }[scope];
  // Refresh tokens go with their session (FK cascade).
  await db.query(`delete from auth.sessions where ${where}`, scope === 'global' ? [userId] : [userId, sessionId]);
}
