/**
 * Gift links, persisted (the project's were mock): POST /gift-links/ creates one with a 22-character
 * URL-safe token, GET /gift-links/ lists the caller's own, GET /gift-links/{token} is the public view
 * (counts the view; only a caller who knows the token sees the link).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes } from '../../../../model/target.ts';
import { requireCaller } from '../auth.ts';
import { type AppContext, fastifyPath, queryBody } from '../context.ts';
import { ANON, lit } from '../db.ts';
import { ApiError, parseInput } from '../errors.ts';

export const SHARE_BASE = 'https://aclue.app/gifts/';

const createBody = z.object({
  title: z.string().min(1).max(255),
  description: z.string().max(2000).optional(),
  product_ids: z.array(z.uuid()).max(100).default([]),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  is_public: z.boolean().default(true),
  recipient_name: z.string().max(255).optional(),
  occasion: z.string().max(100).optional(),
});

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  is_active: z.enum(['true', 'false']).optional(),
});

interface LinkBody {
  readonly link_token: string;
  readonly [key: string]: unknown;
}

function withShareUrl(link: LinkBody): LinkBody & { share_url: string } {
  return { ...link, share_url: `${SHARE_BASE}${link.link_token}` };
}

export function registerGiftLinkRoutes(app: FastifyInstance, ctx: AppContext): void {
  const verifier = ctx.options.verifier;

  app.post(fastifyPath(routes.giftLinkCreate), async (request, reply) => {
    const caller = await requireCaller(request, 'header', verifier);
    const body = parseInput(createBody, request.body, 'body');
    // 16 random bytes = 22 base64url characters, like the project's secrets.token_urlsafe(16).
    const token = randomBytes(16).toString('base64url');
    const ids = `array[${body.product_ids.map((id) => lit(id)).join(', ')}]::uuid[]`;
    const link = (await queryBody(
      ctx,
      reply,
      caller,
      `
      select public.create_gift_link(${lit(token)}, ${lit(body.title)}, ${lit(body.description)}, ${ids},
        ${lit(body.expires_at)}::timestamptz, ${lit(body.recipient_name)}, ${lit(body.occasion)}, ${lit(body.is_public)}) as body`,
    )) as LinkBody;
    return withShareUrl(link);
  });

  app.get(fastifyPath(routes.giftLinks), async (request, reply) => {
    const caller = await requireCaller(request, 'header', verifier);
    const query = parseInput(listQuery, request.query, 'query');
    const active = query.is_active === undefined ? '' : `and g.is_active = ${query.is_active}`;
    const links = (await queryBody(
      ctx,
      reply,
      caller,
      `
      select coalesce(jsonb_agg(app_private.gift_link_json(g) order by g.created_at desc, g.id), '[]'::jsonb) as body
      from (select * from public.gift_links g where g.user_id = auth.uid() ${active}
            order by g.created_at desc, g.id limit ${query.limit} offset ${query.offset}) g`,
    )) as LinkBody[];
    return links.map(withShareUrl);
  });

  app.get(fastifyPath(routes.giftLink), async (request, reply) => {
    const { token } = request.params as { token: string };
    const link = (await queryBody(
      ctx,
      reply,
      ANON,
      `select public.view_gift_link(${lit(token)}) as body`,
    )) as LinkBody | null;
    if (link === null || link === undefined) throw new ApiError(404, 'Gift link not found or expired');
    return withShareUrl(link);
  });
}
