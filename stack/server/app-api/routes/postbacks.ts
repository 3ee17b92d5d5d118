/**
 * POST /affiliate/postbacks/ — not in the real backend; the checklist's conversion tracking needs it.
 * A network's server-to-server conversion, signed with HMAC-SHA256 over the raw body (header
 * X-Kit-Signature, hex, optionally `sha256=`-prefixed) using KIT_POSTBACK_SECRET. Applied once by
 * public.apply_affiliate_postback as service_role:
 *   converted → 200; replay of the same order → 200 `duplicate: true` (still one conversion);
 *   unknown click id → 202 `orphan: true`; outside the attribution window → 202 `expired: true`
 *   (recorded, click not converted); order already on another click or a second order on a
 *   converted click → 409, recorded. Forged or missing signature → 401.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routes } from '../../../../model/target.ts';
import { type AppContext, fastifyPath, queryBody } from '../context.ts';
import { jsonLit, lit, SERVICE } from '../db.ts';
import { ApiError, parseInput, ValidationError } from '../errors.ts';

export const POSTBACK_SIGNATURE_HEADER = 'x-kit-signature';

const postbackBody = z.object({
  click_id: z.string().min(1).max(200),
  order_id: z.string().min(1).max(200),
  amount: z.number().min(0),
  commission: z.number().min(0),
  currency: z.string().length(3).optional(),
  converted_at: z.iso.datetime({ offset: true }).optional(),
  network: z.string().max(50).optional(),
});

/** The signature a network sends for `rawBody`: hex HMAC-SHA256 with the shared secret. */
export function signPostback(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

function signatureValid(rawBody: Buffer, header: unknown, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header.replace(/^sha256=/i, '').trim(), 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface PostbackOutcome {
  readonly status: 'converted' | 'duplicate' | 'unknown_click' | 'expired' | 'order_conflict' | 'already_converted';
  readonly [key: string]: unknown;
}

const httpStatus: Readonly<Record<PostbackOutcome['status'], number>> = {
  converted: 200,
  duplicate: 200,
  unknown_click: 202,
  expired: 202,
  order_conflict: 409,
  already_converted: 409,
};

export async function registerPostbackRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Own encapsulated context: this route needs the raw bytes that were signed.
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    child.post(fastifyPath(routes.affiliatePostback), async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureValid(raw, request.headers[POSTBACK_SIGNATURE_HEADER], ctx.options.postbackSecret)) {
        throw new ApiError(401, 'Invalid or missing postback signature');
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw new ValidationError([
          { type: 'json_invalid', loc: ['body'], msg: `JSON decode error: ${(error as Error).message}` },
        ]);
      }
      const body = parseInput(postbackBody, json, 'body');
      const outcome = (await queryBody(
        ctx,
        reply,
        SERVICE,
        `
        select public.apply_affiliate_postback(${lit(body.click_id)}, ${lit(body.order_id)}, ${lit(body.amount)}::numeric,
          ${lit(body.commission)}::numeric, ${lit(body.currency)}, ${lit(body.converted_at)}::timestamptz, ${lit(body.network)},
          make_interval(days => ${ctx.attributionWindowDays}), ${jsonLit(json)}) as body`,
      )) as PostbackOutcome;
      reply.code(httpStatus[outcome.status]);
      return {
        ...outcome,
        duplicate: outcome.status === 'duplicate',
        orphan: outcome.status === 'unknown_click',
        expired: outcome.status === 'expired',
      };
    });
  });
}
