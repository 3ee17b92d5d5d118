/**
 * Calls to the target's App API that show whether it answers real data: the same list twice
 * (stable ids), and per-user endpoints for several users (non-empty, personal, not canned).
 */

import type { Route } from '../../model/target.ts';
import { routePath, routes } from '../../model/target.ts';

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The raw text, for comparing bodies byte for byte. */
  readonly text: string;
}

/**
 * Per-user App API calls in flight at once. On staging each call crosses a network: at 100 ms a call,
 * 1,000 calls take 12.5 s eight at a time and 3 s at 32; a local app only queues them.
 */
export const APP_CALLS_IN_FLIGHT = 32;

export async function callRoute(baseUrl: string, route: Route, token?: string): Promise<ApiAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let url = `${baseUrl}${routePath(route)}`;
  if (token !== undefined) {
    if (route.auth === 'query') url += `?authorization=${encodeURIComponent(`Bearer ${token}`)}`;
    else headers['authorization'] = `Bearer ${token}`;
  }
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body, text };
}

/** The list inside a response: the body itself, or its first array-valued field (`{ items: [...] }`). */
export function listOf(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') {
    for (const value of Object.values(body as Record<string, unknown>)) if (Array.isArray(value)) return value;
  }
  return undefined;
}

/** A product id carried by a list item (the item itself, or a nested product). */
export function productIdOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  const nested = o['product'];
  if (nested !== null && typeof nested === 'object' && typeof (nested as Record<string, unknown>)['id'] === 'string') {
    return (nested as Record<string, unknown>)['id'] as string;
  }
  for (const key of ['product_id', 'id']) if (typeof o[key] === 'string') return o[key] as string;
  return undefined;
}

export { routes };
