/**
 * The Auth face (`/auth/v1`): the part of Supabase Auth (GoTrue) that supabase-js, the seed and the
 * load scenarios use. Routes, statuses and bodies follow GoTrue; users, sessions and refresh tokens
 * live in GoTrue's tables in the `auth` schema.
 *
 * Not here (not needed by the kit): OAuth/SSO, OTP/magic links, MFA, e-mail sending. Sign-ups are
 * auto-confirmed, as with the Supabase CLI's default `enable_confirmations = false`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pg from 'pg';
import { type JwtClaims, JwtError } from '../../../lib/jwt.ts';
import { hashPassword, verifyPassword } from '../../../lib/passwords.ts';
import type { LocalKeys } from '../keys.ts';
import { dbTimeOf, timed, transaction } from './db.ts';
import {
  API_VERSION_2024,
  API_VERSION_HEADER,
  AuthError,
  badRequest,
  forbidden,
  notFound,
  sendAuthError,
  unauthorized,
  unprocessable,
  wantsApi2024,
} from './errors.ts';
import { endSessions, refreshSession, sessionExists, startSession, type TokenSettings } from './sessions.ts';
import {
  checkPassword,
  createUser,
  deleteUser,
  findUserByEmail,
  findUserById,
  isUuid,
  listUsers,
  normaliseEmail,
  type UserRow,
  userJson,
} from './users.ts';

export interface AuthOptions {
  /** Superuser URL of the database (the Auth face owns the auth schema, as GoTrue does). */
  readonly databaseUrl: string;
  /** Signs and verifies access tokens, and the key set `/.well-known/jwks.json` publishes. */
  readonly keys: Pick<LocalKeys, 'signer' | 'verifier' | 'jwks'>;
  /** `iss` of issued tokens: `<public url>/auth/v1`. */
  readonly issuer: string;
  readonly poolSize?: number;
}

const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);

/** Compared against when the e-mail is unknown, so a miss costs as long as a wrong password. */
const DUMMY_HASH = await hashPassword('not-a-real-password');

/** GoTrue's wording (from its JWT library) for each way a token can be invalid. */
const GOTRUE_JWT_REASON: Record<JwtError['reason'], (error: JwtError) => string> = {
  expired: () => 'token has invalid claims: token is expired',
  not_yet_valid: () => 'token has invalid claims: token is not valid yet',
  signature: () => 'token signature is invalid: signature is invalid',
  malformed: (error) => `token is malformed: ${error.message}`,
};

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

function objectField(body: Body, key: string): Record<string, unknown> {
  const value = body[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw badRequest('validation_failed', `${key} must be a JSON object`);
  return value as Record<string, unknown>;
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match?.[1]) throw unauthorized('no_authorization', 'This endpoint requires a valid Bearer token');
  return match[1];
}

export default async function authFace(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    application_name: 'aclue-kit-auth',
  });
  pool.on('error', (error) => app.log.warn({ err: error }, 'auth pool connection error'));
  app.addHook('onClose', async () => pool.end());
  const settings: TokenSettings = { signer: options.keys.signer, issuer: options.issuer };

  /** The verified claims of the request's bearer token; GoTrue answers 403 bad_jwt for any invalid token. */
  async function claimsOf(request: FastifyRequest): Promise<JwtClaims> {
    const token = bearerToken(request);
    try {
      return await options.keys.verifier.verify(token);
    } catch (error) {
      if (error instanceof JwtError)
        throw forbidden(
          'bad_jwt',
          `invalid JWT: unable to parse or verify signature, ${GOTRUE_JWT_REASON[error.reason](error)}`,
        );
      throw error;
    }
  }

  async function currentUser(request: FastifyRequest): Promise<{ user: UserRow; sessionId: string | undefined }> {
    const claims = await claimsOf(request);
    const sub = claims.sub;
    if (typeof sub !== 'string' || !isUuid(sub)) throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
    const db = timed(pool, request);
    const user = await findUserById(db, sub);
    if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : undefined;
    if (sessionId !== undefined && !(isUuid(sessionId) && (await sessionExists(db, sessionId)))) {
      throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    return { user, sessionId };
  }

  async function requireAdmin(request: FastifyRequest): Promise<void> {
    const role = (await claimsOf(request)).role;
    if (typeof role !== 'string' || !ADMIN_ROLES.has(role)) throw forbidden('not_admin', 'User not allowed');
  }

  // supabase-js posts `Content-Type: application/json` with no body on logout: an empty body is {}.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_request, text, done) => {
      const source = String(text);
      if (source.trim() === '') return done(null, {});
      try {
        done(null, JSON.parse(source));
      } catch (error) {
        done(badRequest('bad_json', `Could not parse request body as JSON: ${(error as Error).message}`), undefined);
      }
    },
  );

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    if (wantsApi2024(request)) reply.header(API_VERSION_HEADER, API_VERSION_2024);
    const ms = dbTimeOf(request);
    if (ms !== undefined && !reply.hasHeader('server-timing')) reply.header('server-timing', `db;dur=${ms.toFixed(1)}`);
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof AuthError) return sendAuthError(request, reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendAuthError(request, reply, new AuthError(status, 'validation_failed', (error as Error).message));
    }
    request.log.error({ err: error }, 'auth request failed');
    return sendAuthError(
      request,
      reply,
      new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'),
    );
  });

  app.post('/token', async (request) => {
    const { grant_type: grant } = request.query as { grant_type?: string };
    const body = bodyOf(request);
    if (grant === 'refresh_token') {
      return transaction(pool, request, (db) => refreshSession(db, settings, body.refresh_token));
    }
    if (grant !== 'password') throw badRequest('validation_failed', 'unsupported_grant_type');
    if (typeof body.password !== 'string' || (body.email === undefined && body.phone === undefined)) {
      throw badRequest('validation_failed', 'missing email or phone');
    }
    if (body.email === undefined) throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const user = await findUserByEmail(timed(pool, request), email);
    const passwordOk = await verifyPassword(body.password, user?.encrypted_password ?? DUMMY_HASH);
    if (!user || !passwordOk) throw badRequest('invalid_credentials', 'Invalid login credentials');
    if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed');
    if (user.banned_until && user.banned_until.getTime() > Date.now())
      throw badRequest('user_banned', 'User is banned');
    return transaction(pool, request, (db) =>
      startSession(db, settings, user, request.headers['user-agent'], request.ip),
    );
  });

  app.post('/signup', async (request) => {
    const body = bodyOf(request);
    const email = normaliseEmail(body.email);
    const password = checkPassword(body.password);
    const userMetadata = objectField(body, 'data');
    let user: UserRow;
    try {
      user = await createUser(timed(pool, request), {
        email,
        password,
        emailConfirmed: true,
        userMetadata,
        appMetadata: {},
      });
    } catch (error) {
      if (error instanceof AuthError && error.code === 'email_exists')
        throw unprocessable('user_already_exists', 'User already registered');
      throw error;
    }
    return transaction(pool, request, (db) =>
      startSession(db, settings, user, request.headers['user-agent'], request.ip),
    );
  });

  app.get('/user', async (request) => userJson((await currentUser(request)).user));

  app.post('/logout', async (request, reply) => {
    const { scope = 'global' } = request.query as { scope?: string };
    if (scope !== 'global' && scope !== 'local' && scope !== 'others') {
      throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`);
    }
    const claims = await claimsOf(request);
    const sub = typeof claims.sub === 'string' && isUuid(claims.sub) ? claims.sub : undefined;
    const sessionId =
      typeof claims.session_id === 'string' && isUuid(claims.session_id) ? claims.session_id : undefined;
    // GoTrue treats logging out of a session that is already gone as success.
    if (sub && sessionId) await endSessions(timed(pool, request), sub, sessionId, scope);
    return reply.code(204).send();
  });

  app.post('/admin/users', async (request) => {
    await requireAdmin(request);
    const body = bodyOf(request);
    const email = normaliseEmail(body.email);
    const password = body.password === undefined ? undefined : checkPassword(body.password);
    if (body.id !== undefined && (typeof body.id !== 'string' || !isUuid(body.id))) {
      throw badRequest('validation_failed', 'id must be a UUID');
    }
    const user = await createUser(timed(pool, request), {
      id: body.id as string | undefined,
      email,
      password,
      emailConfirmed: body.email_confirm === true,
      userMetadata: objectField(body, 'user_metadata'),
      appMetadata: objectField(body, 'app_metadata'),
      role: typeof body.role === 'string' ? body.role : undefined,
    });
    return userJson(user);
  });

  app.get('/admin/users', async (request, reply) => {
    await requireAdmin(request);
    const query = request.query as { page?: string; per_page?: string };
    const page = Math.max(1, Number.parseInt(query.page || '1', 10) || 1);
    const perPage = Math.min(1000, Math.max(1, Number.parseInt(query.per_page || '50', 10) || 50));
    const { users, total } = await listUsers(timed(pool, request), page, perPage);
    const last = Math.max(1, Math.ceil(total / perPage));
    const base = `${options.issuer}/admin/users`;
    const links = [];
    if (page < last) links.push(`<${base}?page=${page + 1}&per_page=${perPage}>; rel="next"`);
    links.push(`<${base}?page=${last}&per_page=${perPage}>; rel="last"`);
    reply.header('x-total-count', String(total)).header('link', links.join(', '));
    return { users: users.map(userJson), aud: 'authenticated' };
  });

  app.get('/admin/users/:id', async (request) => {
    await requireAdmin(request);
    const { id } = request.params as { id: string };
    const user = isUuid(id) ? await findUserById(timed(pool, request), id) : undefined;
    if (!user) throw notFound('user_not_found', 'User not found');
    return userJson(user);
  });

  app.put('/admin/users/:id', async (request) => {
    await requireAdmin(request);
    const { id } = request.params as { id: string };
    const body = bodyOf(request);
    const encrypted = body.password === undefined ? undefined : await hashPassword(checkPassword(body.password));
    const email = body.email === undefined ? undefined : normaliseEmail(body.email);
    return transaction(pool, request, async (db) => {
      const user = isUuid(id) ? await findUserById(db, id) : undefined;
      if (!user) throw notFound('user_not_found', 'User not found');
      const { rows } = await db
        .query<{ id: string }>(
          `update auth.users set
           email = coalesce($2, email),
           encrypted_password = coalesce($3, encrypted_password),
           email_confirmed_at = case when $4 then coalesce(email_confirmed_at, now()) else email_confirmed_at end,
           raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $5::jsonb,
           raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb) || $6::jsonb,
           updated_at = now()
         where id = $1 returning id`,
          [
            id,
            email ?? null,
            encrypted ?? null,
            body.email_confirm === true,
            objectField(body, 'user_metadata'),
            objectField(body, 'app_metadata'),
          ],
        )
        .catch((error: { code?: string }) => {
          if (error.code === '23505')
            throw unprocessable('email_exists', 'A user with this email address has already been registered');
          throw error;
        });
      return userJson((await findUserById(db, rows[0]!.id))!);
    });
  });

  app.delete('/admin/users/:id', async (request) => {
    await requireAdmin(request);
    const { id } = request.params as { id: string };
    const deleted = isUuid(id) && (await transaction(pool, request, (db) => deleteUser(db, id)));
    if (!deleted) throw notFound('user_not_found', 'User not found');
    return {};
  });
}
