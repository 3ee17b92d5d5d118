/**
 * POST /affiliate/clicks/ (public.record_affiliate_click: stored, returns the merchant URL with the
 * click id as the network's sub-id) and GET /affiliate/stats/. Auth style `query`:
 * `?authorization=Bearer <t>`, missing → 422, as the real backend.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes } from '../../../../model/target.ts';
import { requireCaller } from '../auth.ts';
import { type AppContext, fastifyPath, queryBody, sendBody } from '../context.ts';
import { lit } from '../db.ts';
import { ApiError, parseInput } from '../errors.ts';
import { productIdExpression } from '../product-ref.ts';

const clickBody = z
  .object({
    product_id: z.string().min(1).max(100).optional(),
    asin: z
      .string()
      .regex(/^[A-Z0-9]{10}$/i, 'expected a 10-character ASIN')
      .optional(),
    source: z.string().min(1).max(100).default('recommendation'),
    campaign: z.string().max(200).optional(),
    session_id: z.string().min(1).max(200).optional(),
    device_type: z.enum(['mobile', 'tablet', 'desktop']).optional(),
    anonymous_id: z.string().max(200).optional(),
  })
  .refine((b) => b.product_id !== undefined || b.asin !== undefined, {
    path: ['product_id'],
    message: 'product_id or asin is required',
  });

const statsQuery = z.object({ days: z.coerce.number().int().min(1).max(3650).default(30) });

interface ClickRow {
  readonly click_timestamp: string;
  readonly [key: string]: unknown;
}

export function registerAffiliateRoutes(app: FastifyInstance, ctx: AppContext): void {
  const verifier = ctx.options.verifier;

  app.post(fastifyPath(routes.affiliateClick), async (request, reply) => {
    const caller = await requireCaller(request, 'query', verifier);
    const body = parseInput(clickBody, request.body, 'body');
    const product = productIdExpression((body.product_id ?? body.asin) as string);
    const click = (await queryBody(
      ctx,
      reply,
      caller,
      `
      select public.record_affiliate_click(${product}, ${lit(body.session_id)}, ${lit(body.source)},
        ${lit(body.device_type)}, ${lit(body.anonymous_id)}, NULL, NULL, NULL, ${lit(body.campaign)}) as body`,
    )) as ClickRow | undefined;
    if (click === undefined) throw new ApiError(500, 'click was not recorded');
    // Conversions are attributed within the window after the click (apply_affiliate_postback).
    const expires = new Date(Date.parse(click.click_timestamp) + ctx.attributionWindowDays * 86_400_000);
    return { ...click, tracking_expires_at: expires.toISOString() };
  });

  app.get(fastifyPath(routes.affiliateStats), async (request, reply) => {
    const caller = await requireCaller(request, 'query', verifier);
    const query = parseInput(statsQuery, request.query, 'query');
    await sendBody(ctx, reply, caller, `select public.get_affiliate_stats(${query.days}) as body`);
    return reply;
  });
}
