/**
 * Catalogue routes: GET /products/, /products/{id} (records a product view for a signed-in caller),
 * /products/trending/. Ids are the stable `products.id` UUIDs (the project's were new uuid4 per call).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes } from '../../../../model/target.ts';
import { optionalCaller } from '../auth.ts';
import { type AppContext, fastifyPath, sendBody } from '../context.ts';
import { ANON, lit } from '../db.ts';
import { ApiError, parseInput } from '../errors.ts';
import { productCondition } from '../product-ref.ts';

const listQuery = z.object({
  q: z.string().max(200).optional(),
  category: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  exclude_seen: z.string().optional(),
});

const trendingQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(5) });

const viewQuery = z.object({
  view_source: z
    .enum(['swipe', 'recommendations', 'search', 'category', 'direct', 'related', 'trending'])
    .default('direct'),
  session_id: z.string().min(1).max(200).optional(),
  position: z.coerce.number().int().min(1).optional(),
  recommendation_id: z.uuid().optional(),
});

/** Trending score of the backend's GET /products/trending/: 0.7 x rating + 0.3 x min(reviews / 1000, 10). */
const TRENDING_SCORE = '0.7 * coalesce(p.rating, 0) + 0.3 * least(coalesce(p.review_count, 0) / 1000.0, 10)';

function likePattern(text: string): string {
  return lit(`%${text.replace(/[\\%_]/g, '\\$&')}%`);
}

export function registerProductRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(fastifyPath(routes.products), async (request, reply) => {
    const query = parseInput(listQuery, request.query, 'query');
    const filters = ['p.is_active'];
    if (query.q !== undefined && query.q.trim() !== '') {
      const pattern = likePattern(query.q.trim());
      filters.push(`(p.title ilike ${pattern} or p.description ilike ${pattern} or p.brand ilike ${pattern})`);
    }
    if (query.category !== undefined && query.category !== '') {
      filters.push(`(c.slug = ${lit(query.category)} or c.name ilike ${lit(query.category)})`);
    }
    await sendBody(
      ctx,
      reply,
      ANON,
      `
      select coalesce(jsonb_agg(s.j order by s.ord), '[]'::jsonb) as body from (
        select app_private.product_json(p, c.name) as j,
               row_number() over (order by p.rating desc nulls last, p.review_count desc nulls last, p.id) as ord
        from public.products p left join public.categories c on c.id = p.category_id
        where ${filters.join(' and ')}
        order by p.rating desc nulls last, p.review_count desc nulls last, p.id
        limit ${query.limit}) s`,
    );
    return reply;
  });

  app.get(fastifyPath(routes.trending), async (request, reply) => {
    const query = parseInput(trendingQuery, request.query, 'query');
    await sendBody(
      ctx,
      reply,
      ANON,
      `
      select coalesce(jsonb_agg(s.j || jsonb_build_object('trending_score', round(s.score, 4)) order by s.score desc, s.id),
                      '[]'::jsonb) as body from (
        select app_private.product_json(p, c.name) as j, p.id, ${TRENDING_SCORE} as score
        from public.products p left join public.categories c on c.id = p.category_id
        where p.is_active
        order by ${TRENDING_SCORE} desc, p.id
        limit ${query.limit}) s`,
    );
    return reply;
  });

  app.get(fastifyPath(routes.product), async (request, reply) => {
    const { id } = request.params as { id: string };
    const condition = productCondition(id);
    const caller = await optionalCaller(request, ctx.options.verifier);
    const select = `
      select p.id, app_private.product_json(p, c.name) as body
      from public.products p left join public.categories c on c.id = p.category_id
      where ${condition} and p.is_active limit 1`;
    let statement = select;
    let settings = {};
    if (caller.role === 'authenticated') {
      // A signed-in caller's detail view is recorded (product_views, RLS: own rows only).
      const view = parseInput(viewQuery, request.query, 'query');
      statement = `
        with found as (${select}),
        viewed as (
          insert into public.product_views (product_id, user_id, session_id, view_source, interaction_type,
                                            view_position, recommendation_id)
          select found.id, auth.uid(), ${lit(view.session_id ?? 'app-api')}, ${lit(view.view_source)}, 'detail_view',
                 ${lit(view.position)}, ${view.recommendation_id === undefined ? 'NULL' : `${lit(view.recommendation_id)}::uuid`}
          from found
          returning 1)${
            // a view inside a known session also counts in that session's analytics (0036)
            view.session_id === undefined
              ? ''
              : `,
        counted as (select app_private.count_session_event(${lit(view.session_id)}, 0, 1) from found)`
          }
        select found.body from found${view.session_id === undefined ? '' : ' left join counted on true'}`;
      // A view is an analytics impression: its commit does not wait for the WAL flush (a crash of
      // PostgreSQL may lose the last fraction of a second of views; a clean shutdown loses none).
      // Swipes, clicks and postbacks keep full durability.
      settings = { synchronous_commit: 'off' };
    }
    if (!(await sendBody(ctx, reply, caller, statement, settings))) throw new ApiError(404, 'Product not found');
    return reply;
  });
}
