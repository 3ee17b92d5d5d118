/** GET /health: the App API and its database connection. */
import type { FastifyInstance } from 'fastify';
import { routes } from '../../../../model/target.ts';
import { type AppContext, fastifyPath, serverTiming } from '../context.ts';

export const APP_API_VERSION = '1.0.0-kit';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(fastifyPath(routes.health), async (_request, reply) => {
    const started = performance.now();
    try {
      await ctx.db.pool.query('select 1');
      serverTiming(reply, performance.now() - started);
      return {
        status: 'healthy',
        service: 'aclue-app-api',
        version: APP_API_VERSION,
        database: 'connected',
        timestamp: new Date().toISOString(),
      };
    } catch (error) {
      reply.code(503);
      return {
        status: 'unhealthy',
        service: 'aclue-app-api',
        version: APP_API_VERSION,
        database: `unreachable: ${(error as Error).message}`,
        timestamp: new Date().toISOString(),
      };
    }
  });
}
