/**
 * Sends a RequestSpec through the runtime and records, once for every action, what every request
 * owes the metrics: the database time from `Server-Timing`, and authentication failures on the
 * caller's own resources.
 */
import type { RequestSpec } from './requests.ts';
import type { Reply, Runtime } from './runtime.ts';
import { dbDurationMs } from './server-timing.ts';

const REQUEST_TIMEOUT_SECONDS = 30;

export async function send(rt: Runtime, spec: RequestSpec, timeoutSeconds = REQUEST_TIMEOUT_SECONDS): Promise<Reply> {
  const reply = await rt.request(spec, timeoutSeconds);
  const db = dbDurationMs(reply.header('Server-Timing'));
  if (db !== undefined) rt.add('aclue_db_time', db, { name: spec.name });
  if (spec.ownResource && (reply.status === 401 || reply.status === 403))
    rt.add('aclue_auth_failures', 1, { name: spec.name });
  return reply;
}

/** A header by name whatever its case (k6 canonicalises names, a proxy may not). */
export function headerOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const pick = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);
  if (headers[name] !== undefined) return pick(headers[name]);
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return pick(headers[key]);
  return undefined;
}
