/**
 * Swipe routes: POST /swipes/ (persisted with its session through public.record_swipe) and
 * GET / POST /swipes/sessions (persisted swipe_sessions). Auth style `header` (missing → 401).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type ApiSwipeDirection, routes, swipeDirections } from '../../../../model/target.ts';
import { requireCaller } from '../auth.ts';
import { type AppContext, fastifyPath, sendBody } from '../context.ts';
import { jsonLit, lit } from '../db.ts';
import { parseInput } from '../errors.ts';
import { productIdExpression } from '../product-ref.ts';

const directions = Object.keys(swipeDirections) as [ApiSwipeDirection, ...ApiSwipeDirection[]];

const swipeBody = z.object({
  product_id: z.string().min(1).max(100),
  direction: z.enum(directions),
  session_id: z.uuid().nullish(),
  time_spent_seconds: z.number().int().min(0).max(86_400).optional(),
  interaction_context: z.record(z.string(), z.unknown()).optional(),
});

const sessionBody = z
  .object({
    session_type: z.string().min(1).max(50).default('discovery'),
    occasion: z.string().max(100).optional(),
    budget_min: z.number().min(0).optional(),
    budget_max: z.number().min(0).optional(),
    recipient_relationship: z.string().max(50).optional(),
  })
  .default({ session_type: 'discovery' });

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

export function registerSwipeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const verifier = ctx.options.verifier;

  app.post(fastifyPath(routes.swipe), async (request, reply) => {
    const caller = await requireCaller(request, 'header', verifier);
    const body = parseInput(swipeBody, request.body, 'body');
    await sendBody(
      ctx,
      reply,
      caller,
      `
      select public.record_swipe(
        ${productIdExpression(body.product_id)}, ${lit(body.direction)},
        ${body.session_id ? `${lit(body.session_id)}::uuid` : 'NULL'}, ${lit(body.time_spent_seconds)}::integer,
        ${body.interaction_context === undefined ? 'NULL' : jsonLit(body.interaction_context)}) as body`,
    );
    return reply;
  });

  app.get(fastifyPath(routes.swipeSessions), async (request, reply) => {
    const caller = await requireCaller(request, 'header', verifier);
    const query = parseInput(listQuery, request.query, 'query');
    await sendBody(
      ctx,
      reply,
      caller,
      `
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', s.id, 'session_id', s.id, 'user_id', s.user_id, 'started_at', s.started_at,
               'completed_at', s.completed_at, 'total_swipes', s.total_swipes, 'session_type', s.session_type,
               'occasion', s.occasion, 'status', case when s.is_completed then 'completed' else 'active' end)
             order by s.started_at desc, s.id), '[]'::jsonb) as body
      from (select * from public.swipe_sessions s where s.user_id = auth.uid()
            order by s.started_at desc, s.id limit ${query.limit}) s`,
    );
    return reply;
  });

  app.post(fastifyPath(routes.swipeSessionStart), async (request, reply) => {
    const caller = await requireCaller(request, 'header', verifier);
    const body = parseInput(sessionBody, request.body, 'body');
    await sendBody(
      ctx,
      reply,
      caller,
      `
      select public.start_swipe_session(${lit(body.session_type)}, ${lit(body.occasion)}, ${lit(body.budget_min)}::numeric,
                                        ${lit(body.budget_max)}::numeric, ${lit(body.recipient_relationship)}) as body`,
    );
    return reply;
  });
}
