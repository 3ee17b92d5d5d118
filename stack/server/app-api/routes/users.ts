/**
 * GET /users/me (the caller's public.users row, created from the JWT on first use) and
 * GET /users/me/statistics (public.get_user_analytics_summary; the project's was a constant mock).
 * Auth style `bearer`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes } from '../../../../model/target.ts';
import { requireCaller } from '../auth.ts';
import { type AppContext, fastifyPath, queryBody, sendBody } from '../context.ts';
import { ApiError, parseInput } from '../errors.ts';

const statsQuery = z.object({ days: z.coerce.number().int().min(1).max(3650).default(30) });

export function registerUserRoutes(app: FastifyInstance, ctx: AppContext): void {
  const verifier = ctx.options.verifier;

  app.get(fastifyPath(routes.userMe), async (request, reply) => {
    const caller = await requireCaller(request, 'bearer', verifier);
    const me = await queryBody(
      ctx,
      reply,
      caller,
      `
      select app_private.ensure_user();
      select jsonb_build_object(
        'id', u.id, 'email', u.email, 'first_name', u.first_name, 'last_name', u.last_name, 'full_name', u.full_name,
        'username', u.username, 'avatar_url', u.avatar_url, 'subscription_tier', u.subscription_tier,
        'preferences', u.preferences, 'is_active', u.is_active, 'email_verified', u.email_verified,
        'created_at', u.created_at, 'updated_at', u.updated_at, 'last_login_at', u.last_login_at) as body
      from public.users u where u.id = auth.uid()`,
    );
    if (me === undefined) throw new ApiError(404, 'User not found');
    return me;
  });

  app.get(fastifyPath(routes.userStatistics), async (request, reply) => {
    const caller = await requireCaller(request, 'bearer', verifier);
    const query = parseInput(statsQuery, request.query, 'query');
    await sendBody(ctx, reply, caller, `select public.get_user_analytics_summary(auth.uid(), ${query.days}) as body`);
    return reply;
  });
}
