/**
 * The App API (`/api/v1`): the real Aclue backend's routes, shapes and auth conventions
 * (github.com/griffin1995/aclue `backend/app/`; paths from model/target.ts), implemented as the
 * deployment checklist intends: persisted, computed in the database under the caller's identity
 * (db.ts), so RLS applies.
 *
 * A Fastify plugin mounted by stack/server/app.ts at prefix /api/v1. Not wrapped with
 * fastify-plugin on purpose: its error handler, 404 handler and body parser stay inside its prefix.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AppApiOptions, AppContext } from './context.ts';
import { AppDatabase } from './db.ts';
import { ApiError, fromPgError, ValidationError } from './errors.ts';
import { registerAffiliateRoutes } from './routes/affiliate.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerGiftLinkRoutes } from './routes/gift-links.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerPostbackRoutes } from './routes/postbacks.ts';
import { registerProductRoutes } from './routes/products.ts';
import { registerRecommendationRoutes } from './routes/recommendations.ts';
import { registerSwipeRoutes } from './routes/swipes.ts';
import { registerUserRoutes } from './routes/users.ts';

export type { AppApiOptions } from './context.ts';

/** The ApiError an error thrown by a route (or by Fastify) is answered with. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const fromDb = fromPgError(error);
  if (fromDb) return fromDb;
  const e = error as Partial<FastifyError>;
  if (e.statusCode === 400 && (e.code?.startsWith('FST_ERR_CTP') || e.name === 'SyntaxError')) {
    return new ValidationError([
      { type: 'json_invalid', loc: ['body'], msg: `JSON decode error: ${e.message ?? ''}`, input: {} },
    ]);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return new ApiError(e.statusCode, e.message ?? 'Bad request');
  return new ApiError(500, 'Internal server error');
}

export default async function appApi(app: FastifyInstance, opts: AppApiOptions): Promise<void> {
  const db = new AppDatabase(opts.databaseUrl, opts.authenticatorPassword, opts.poolSize ?? 10);
  app.addHook('onClose', async () => db.close());
  const ctx: AppContext = { options: opts, db, attributionWindowDays: opts.attributionWindowDays ?? 30 };

  // FastAPI ignores an empty body on routes whose body is optional; so does this parser.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const source = String(text);
    if (source.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(source));
    } catch (error) {
      done(
        new ValidationError([
          { type: 'json_invalid', loc: ['body'], msg: `JSON decode error: ${(error as Error).message}`, input: {} },
        ]),
        undefined,
      );
    }
  });

  app.setErrorHandler(async (error, request, reply) => {
    const api = toApiError(error);
    if (api.status >= 500) request.log.error({ err: error }, 'app api request failed');
    return reply.code(api.status).headers(api.headers).send({ detail: api.detail });
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ detail: 'Not Found' }));

  registerHealthRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerProductRoutes(app, ctx);
  registerSwipeRoutes(app, ctx);
  registerRecommendationRoutes(app, ctx);
  registerAffiliateRoutes(app, ctx);
  registerGiftLinkRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  await registerPostbackRoutes(app, ctx);
}
