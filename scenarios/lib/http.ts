/**
 * Sends a RequestSpec with k6 and returns what the journeys need as plain data. Every request gets
 * its endpoint `name` tag and its own expected statuses (so a refused RLS probe is not a "failed
 * request"); the database time from `Server-Timing` and authentication failures on the caller's own
 * resources are recorded here, once, for every action.
 */
import http from 'k6/http';
import type { RequestSpec } from './requests.ts';
import { authFailures, dbTime } from './metrics.ts';
import { dbDurationMs } from './server-timing.ts';
import { parseJson } from './responses.ts';

export interface Reply {
  readonly name: string;
  readonly status: number;
  /** k6's transport error text when no answer came (status 0). */
  readonly error: string;
  readonly body: string | undefined;
  /** The body parsed as JSON, or undefined. */
  readonly json: unknown;
  header(name: string): string | undefined;
}

const callbacks = new Map<string, ReturnType<typeof http.expectedStatuses>>();

function expectedCallback(statuses: readonly number[]): ReturnType<typeof http.expectedStatuses> {
  const key = statuses.join(',');
  let callback = callbacks.get(key);
  if (!callback) {
    callback = http.expectedStatuses(...statuses);
    callbacks.set(key, callback);
  }
  return callback;
}

export function send(spec: RequestSpec, options: { timeout?: string } = {}): Reply {
  const res = http.request(spec.method, spec.url, spec.body ?? null, {
    headers: spec.headers,
    tags: { name: spec.name },
    responseCallback: expectedCallback(spec.expected),
    timeout: options.timeout ?? '30s',
  });
  const db = dbDurationMs(headerOf(res.headers, 'Server-Timing'));
  if (db !== undefined) dbTime.add(db, { name: spec.name });
  if (spec.ownResource && (res.status === 401 || res.status === 403)) authFailures.add(1, { name: spec.name });
  const body = typeof res.body === 'string' ? res.body : undefined;
  return {
    name: spec.name,
    status: res.status,
    error: res.error,
    body,
    json: parseJson(body),
    header: (name) => headerOf(res.headers, name),
  };
}

/** k6 canonicalises header names (Server-Timing), but a proxy may not: look both ways. */
function headerOf(headers: Record<string, string>, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}
