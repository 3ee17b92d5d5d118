/**
 * An answer with its volatile fields removed, for telling canned answers apart from personal ones:
 * a mock that mints fresh ids and timestamps on every call still gives every user the same content.
 */

/**
 * The ids of the answer's own rows, times and tokens: what differs between two calls of one canned
 * answer. References (user_id, product_id) stay: they are the content. A body naming its caller is
 * personal; two users' statistics may honestly be all zeros over a quiet period.
 */
const VOLATILE_KEY = /^(id|recommendation_id|.*_at|.*timestamp.*|.*token.*)$/i;

/** The body as canonical JSON (keys sorted) without volatile fields, at any depth; text that is no JSON stays as it is. */
export function stableBody(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(strip(body));
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !VOLATILE_KEY.test(key))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, v]) => [key, strip(v)]),
  );
}
