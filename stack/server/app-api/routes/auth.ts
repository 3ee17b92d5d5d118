/**
 * /auth/register, /login, /refresh, /me, /logout: the real backend's auth routes, through the Auth
 * face over HTTP as the real one goes through Supabase Auth. Register = admin create user with the
 * service key (auto-confirmed) + password sign-in with the anon key.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes } from '../../../../model/target.ts';
import { requireCaller } from '../auth.ts';
import { type AppContext, fastifyPath } from '../context.ts';
import { ApiError, parseInput } from '../errors.ts';

const registerBody = z.object({
  first_name: z.string().min(2).max(50),
  last_name: z.string().min(2).max(50),
  email: z.email(),
  password: z.string().min(8).max(72),
  marketing_consent: z.boolean().default(false),
});
const loginBody = z.object({ email: z.string().min(1).max(255), password: z.string().min(1).max(200) });
const refreshBody = z.object({ refresh_token: z.string().min(1) });

interface AuthUser {
  readonly id: string;
  readonly email?: string;
  readonly created_at?: string;
  readonly last_sign_in_at?: string | null;
  readonly user_metadata?: Record<string, unknown>;
}
interface Session {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in?: number;
  readonly user: AuthUser;
}

interface AuthReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The real backend's UserResponse (subscription tier: the project always said free). */
function userResponse(user: AuthUser): Record<string, unknown> {
  const meta = user.user_metadata ?? {};
  return {
    id: user.id,
    email: user.email ?? null,
    first_name: meta['first_name'] ?? null,
    last_name: meta['last_name'] ?? null,
    subscription_tier: 'free',
    created_at: user.created_at ?? null,
    last_login: user.last_sign_in_at ?? null,
  };
}

function authResponse(session: Session): Record<string, unknown> {
  return {
    access_token: session.access_token,
    refresh_token: session.refresh_token,
    token_type: 'bearer',
    expires_in: session.expires_in ?? null,
    user: userResponse(session.user),
  };
}

function authMessage(body: Record<string, unknown>): string {
  const message = body['msg'] ?? body['message'] ?? body['error_description'] ?? body['error'];
  return typeof message === 'string' ? message : 'authentication failed';
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { authUrl, anonKey, serviceRoleKey, verifier } = ctx.options;

  async function callAuth(
    method: string,
    path: string,
    key: string,
    token: string,
    body?: unknown,
  ): Promise<AuthReply> {
    let response: Response;
    try {
      response = await fetch(`${authUrl}${path}`, {
        method,
        headers: { apikey: key, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(503, `Auth service unreachable at ${authUrl}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = { msg: text };
    }
    return { status: response.status, body: parsed };
  }

  function passwordGrant(email: string, password: string): Promise<AuthReply> {
    return callAuth('POST', '/token?grant_type=password', anonKey, anonKey, { email, password });
  }

  /** Auth throttling stays 429 (the project mapped it to 500, defect 5); other failures are 502. */
  function upstreamError(reply: AuthReply): ApiError {
    if (reply.status === 429) return new ApiError(429, 'Too many requests, try again later');
    return new ApiError(502, `Auth service error: ${authMessage(reply.body)}`);
  }

  app.post(fastifyPath(routes.register), async (request, reply) => {
    const body = parseInput(registerBody, request.body, 'body');
    const created = await callAuth('POST', '/admin/users', serviceRoleKey, serviceRoleKey, {
      email: body.email,
      password: body.password,
      email_confirm: true,
      user_metadata: {
        first_name: body.first_name,
        last_name: body.last_name,
        full_name: `${body.first_name} ${body.last_name}`,
        marketing_consent: body.marketing_consent,
      },
    });
    if (created.status === 422 || created.status === 400) {
      throw new ApiError(400, `Registration failed: ${authMessage(created.body)}`);
    }
    if (created.status !== 200 && created.status !== 201) throw upstreamError(created);
    const user = created.body as unknown as AuthUser;
    const signIn = await passwordGrant(body.email, body.password);
    reply.code(201);
    if (signIn.status !== 200) {
      // As the real backend: the account exists; tokens are empty when the sign-in fails.
      return { access_token: '', refresh_token: '', token_type: 'bearer', user: userResponse(user) };
    }
    return authResponse(signIn.body as unknown as Session);
  });

  app.post(fastifyPath(routes.login), async (request) => {
    const body = parseInput(loginBody, request.body, 'body');
    const signIn = await passwordGrant(body.email, body.password);
    if (signIn.status === 200) return authResponse(signIn.body as unknown as Session);
    if (signIn.status === 400 || signIn.status === 401 || signIn.status === 422) {
      throw new ApiError(401, 'Invalid email or password', { 'www-authenticate': 'Bearer' });
    }
    throw upstreamError(signIn);
  });

  app.post(fastifyPath(routes.refresh), async (request) => {
    const body = parseInput(refreshBody, request.body, 'body');
    const refreshed = await callAuth('POST', '/token?grant_type=refresh_token', anonKey, anonKey, {
      refresh_token: body.refresh_token,
    });
    if (refreshed.status === 200) {
      const session = refreshed.body as unknown as Session;
      return {
        access_token: session.access_token,
        refresh_token: session.refresh_token,
        message: 'Token refreshed successfully',
      };
    }
    if (refreshed.status === 429) throw upstreamError(refreshed);
    throw new ApiError(401, 'Invalid or expired refresh token');
  });

  app.get(fastifyPath(routes.me), async (request) => {
    const caller = await requireCaller(request, 'bearer', verifier);
    const found = await callAuth('GET', '/user', anonKey, caller.token);
    if (found.status === 200) return userResponse(found.body as unknown as AuthUser);
    if (found.status === 401 || found.status === 403 || found.status === 404)
      throw new ApiError(401, 'Invalid or expired token');
    throw upstreamError(found);
  });

  app.post(fastifyPath(routes.logout), async (request) => {
    const caller = await requireCaller(request, 'bearer', verifier);
    // The project answered without revoking anything; the kit ends the session in Auth.
    const done = await callAuth('POST', '/logout', anonKey, caller.token);
    if (done.status >= 500) throw upstreamError(done);
    return { message: 'Successfully logged out' };
  });
}
