/** What every route group of the App API receives: its options and its database. */
import type { FastifyReply } from 'fastify';
import type { JwtVerifier } from '../../../lib/jwt.ts';
import type { Route } from '../../../model/target.ts';
import type { AppDatabase, DbIdentity, TransactionSettings } from './db.ts';

export interface AppApiOptions {
  /** Superuser URL of the database; the plugin connects as `authenticator` itself. */
  readonly databaseUrl: string;
  /** Verifies users' access tokens locally (the HS256 secret, or the signing key's public half). */
  readonly verifier: JwtVerifier;
  /** Password of `authenticator` (KIT_AUTHENTICATOR_PASSWORD). */
  readonly authenticatorPassword: string;
  /** Base of the Auth face, e.g. http://127.0.0.1:54321/auth/v1 */
  readonly authUrl: string;
  /** API keys for calls to Auth: the anon-role key (legacy `anon` or publishable) and the elevated one. */
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  /** HMAC-SHA256 key networks sign postbacks with (KIT_POSTBACK_SECRET). */
  readonly postbackSecret: string;
  /** Days after a click within which a conversion is attributed to it (default 30). */
  readonly attributionWindowDays?: number;
  /** Connections to the database (default 10). */
  readonly poolSize?: number;
}

export interface AppContext {
  readonly options: AppApiOptions;
  readonly db: AppDatabase;
  readonly attributionWindowDays: number;
}

/** Fastify's path syntax for a route of model/target.ts (`{id}` → `:id`). */
export function fastifyPath(route: Route): string {
  return route.path.replace(/\{(\w+)\}/g, ':$1');
}

/** Adds the database time of this request to its Server-Timing header. */
export function serverTiming(reply: FastifyReply, ms: number): void {
  reply.header('server-timing', `db;dur=${ms.toFixed(2)}`);
}

/** Runs one statement whose single column is named `body` as `identity`; returns the first row's body. */
export async function queryBody(
  ctx: AppContext,
  reply: FastifyReply,
  identity: DbIdentity,
  statement: string,
): Promise<unknown> {
  const { rows, ms } = await ctx.db.run<{ body: unknown }>(identity, statement);
  serverTiming(reply, ms);
  return rows[0]?.body;
}

/**
 * Like queryBody, for routes that answer the database's JSON unchanged: the statement's `body` column
 * is received as text and sent as is, so the JSON is neither parsed nor re-serialised in Node.
 * Returns false (nothing sent) when there is no row or the body is NULL.
 */
export async function sendBody(
  ctx: AppContext,
  reply: FastifyReply,
  identity: DbIdentity,
  statement: string,
  settings: TransactionSettings = {},
): Promise<boolean> {
  const { rows, ms } = await ctx.db.runText(identity, statement, settings);
  serverTiming(reply, ms);
  const body = rows[0]?.body;
  if (body === undefined || body === null) return false;
  await reply.type('application/json; charset=utf-8').send(body);
  return true;
}
