/**
 * GET /recommendations/ (computed from user_preferences by public.get_recommendations, never the
 * project's constant []) and POST /recommendations/interactions (writes recommendation_feedback).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes } from '../../../../model/target.ts';
import { requireCaller } from '../auth.ts';
import { type AppContext, fastifyPath, sendBody } from '../context.ts';
import { lit } from '../db.ts';
import { parseInput } from '../errors.ts';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  recommendation_type: z.string().optional(),
  occasion: z.string().optional(),
  price_range: z
    .string()
    .regex(/^\d+(\.\d+)?-\d+(\.\d+)?$/, 'expected "min-max", e.g. 20-150')
    .optional(),
});

const interactionBody = z.object({
  // The project's ids were `rec_<uuid>`; both forms name the same stored row.
  recommendation_id: z
    .string()
    .transform((value) => value.replace(/^rec_/, ''))
    .pipe(z.uuid()),
  interaction_type: z.enum([
    'like',
    'love',
    'dislike',
    'not_interested',
    'report',
    'click',
    'view_details',
    'purchase',
    'share',
    'save',
    'ignore',
  ]),
  rating: z.number().int().min(1).max(5).optional(),
  session_id: z.string().max(200).optional(),
});

export function registerRecommendationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const verifier = ctx.options.verifier;

  app.get(fastifyPath(routes.recommendations), async (request, reply) => {
    const caller = await requireCaller(request, 'header', verifier);
    const query = parseInput(listQuery, request.query, 'query');
    const [min, max] =
      query.price_range === undefined ? [undefined, undefined] : query.price_range.split('-').map(Number);
    await sendBody(
      ctx,
      reply,
      caller,
      `
      select public.get_recommendations(${query.limit}, ${query.offset}, ${lit(min)}::numeric, ${lit(max)}::numeric) as body`,
    );
    return reply;
  });

  app.post(fastifyPath(routes.recommendationInteraction), async (request, reply) => {
    const caller = await requireCaller(request, 'header', verifier);
    const body = parseInput(interactionBody, request.body, 'body');
    await sendBody(
      ctx,
      reply,
      caller,
      `
      select public.record_recommendation_feedback(${lit(body.recommendation_id)}::uuid, ${lit(body.interaction_type)},
                                                   ${lit(body.rating)}::integer, ${lit(body.session_id)}) as body`,
    );
    return reply;
  });
}
