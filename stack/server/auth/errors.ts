/**
 * GoTrue's error responses. Clients that send `X-Supabase-Api-Version: 2024-01-01` (auth-js always
 * does) get `{ code, message }` and the version echoed in a response header, which is what makes
 * auth-js read `code` as the error code; older clients get `{ code: <status>, error_code, msg }`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const API_VERSION_HEADER = 'x-supabase-api-version';
export const API_VERSION_2024 = '2024-01-01';

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields, e.g. `weak_password: { reasons }`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const unauthorized = (code: string, message: string) => new AuthError(401, code, message);
export const forbidden = (code: string, message: string) => new AuthError(403, code, message);
export const notFound = (code: string, message: string) => new AuthError(404, code, message);
export const unprocessable = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new AuthError(422, code, message, extra);

/** True when the request asked for the 2024-01-01 API (any later date counts too). */
export function wantsApi2024(request: FastifyRequest): boolean {
  const raw = request.headers[API_VERSION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && value >= API_VERSION_2024;
}

export function authErrorBody(request: FastifyRequest, error: AuthError): Record<string, unknown> {
  return wantsApi2024(request)
    ? { code: error.code, message: error.message, ...error.extra }
    : { code: error.status, error_code: error.code, msg: error.message, ...error.extra };
}

export function sendAuthError(request: FastifyRequest, reply: FastifyReply, error: AuthError): FastifyReply {
  return reply.code(error.status).type('application/json; charset=utf-8').send(authErrorBody(request, error));
}
