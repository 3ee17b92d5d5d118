/**
 * Errors the App API answers with, in the real backend's (FastAPI's) body shapes: `{"detail": "..."}`
 * for HTTP errors and `{"detail": [{type, loc, msg, input}]}` with status 422 for invalid input.
 */
import type { z } from 'zod';

export class ApiError extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, detail: unknown, headers: Readonly<Record<string, string>> = {}) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

/** One entry of FastAPI's 422 `detail` list. */
export interface FieldIssue {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input?: unknown;
}

export type InputPlace = 'body' | 'query' | 'path' | 'header';

export class ValidationError extends ApiError {
  constructor(issues: readonly FieldIssue[]) {
    super(422, issues);
    this.name = 'ValidationError';
  }
}

function quoteList(values: readonly unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** Translates zod issues into FastAPI/pydantic-style entries (type names as pydantic v2 uses them). */
export function fieldIssues(error: z.ZodError, place: InputPlace): FieldIssue[] {
  return error.issues.map((issue) => {
    const loc = [place, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'invalid_type':
        return input === undefined
          ? { type: 'missing', loc, msg: 'Field required', input: null }
          : { type: `${issue.expected}_type`, loc, msg: `Input should be a valid ${issue.expected}`, input };
      case 'invalid_value':
        return { type: 'enum', loc, msg: `Input should be ${quoteList(issue.values)}`, input };
      case 'invalid_format':
        if (issue.format === 'uuid') return { type: 'uuid_parsing', loc, msg: 'Input should be a valid UUID', input };
        if (issue.format === 'datetime')
          return { type: 'datetime_parsing', loc, msg: 'Input should be a valid datetime', input };
        return { type: 'value_error', loc, msg: `Input should be a valid ${issue.format}`, input };
      case 'too_small':
        return issue.origin === 'string'
          ? {
              type: 'string_too_short',
              loc,
              msg: `String should have at least ${String(issue.minimum)} characters`,
              input,
            }
          : {
              type: 'greater_than_equal',
              loc,
              msg: `Input should be greater than or equal to ${String(issue.minimum)}`,
              input,
            };
      case 'too_big':
        return issue.origin === 'string'
          ? {
              type: 'string_too_long',
              loc,
              msg: `String should have at most ${String(issue.maximum)} characters`,
              input,
            }
          : {
              type: 'less_than_equal',
              loc,
              msg: `Input should be less than or equal to ${String(issue.maximum)}`,
              input,
            };
      default:
        return { type: 'value_error', loc, msg: issue.message, input };
    }
  });
}

/** Parses request input with a zod schema; invalid input becomes a 422 with every field's issue. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, place: InputPlace): z.output<S> {
  const parsed = schema.safeParse(value ?? (place === 'body' ? undefined : {}), { reportInput: true });
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error, place));
  return parsed.data;
}

/** SQLSTATEs the kit's functions raise on purpose, and the HTTP status each means. */
const statusBySqlState: Readonly<Record<string, number>> = {
  P0002: 404, // no_data_found: product, session, recommendation, user not found (or not the caller's)
  '42501': 403, // insufficient_privilege: RLS or a function guard refused the caller
  '22023': 422, // invalid_parameter_value
  '22P02': 422, // invalid_text_representation
  '22003': 422, // numeric_value_out_of_range
  '22007': 422, // invalid_datetime_format
  '22008': 422, // datetime_field_overflow
  '23502': 422, // not_null_violation
  '23514': 422, // check_violation
  '23503': 422, // foreign_key_violation
  '23505': 409, // unique_violation
  '57014': 503, // query_canceled (statement timeout)
  '57P01': 503, // admin_shutdown (database restarting)
  '57P03': 503, // cannot_connect_now
  '53300': 503, // too_many_connections
  ECONNREFUSED: 503, // database not reachable
  ECONNRESET: 503,
};

/** The ApiError for a PostgreSQL error, or undefined when it is not one the API expects. */
export function fromPgError(error: unknown): ApiError | undefined {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return undefined;
  const status = statusBySqlState[e.code];
  return status === undefined ? undefined : new ApiError(status, e.message);
}
