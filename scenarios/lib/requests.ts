/**
 * Builds every request the journeys send, as plain data: URL, headers, body, the `name` tag and the
 * statuses that count as success. The auth convention of each app route (header, bearer or query
 * parameter) comes from model/target.ts, so the same journeys run against the local stack and a
 * real staging backend. Pure: sending is scenarios/lib/http.ts's job.
 */
import { isOwnResource, type Route, routePath, supabasePaths, type TableName } from '../../model/target.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  readonly method: Method;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Stable endpoint name: the route's name, or `rest_<table>` for the Data API. */
  readonly name: string;
  /** Statuses that are a correct answer (anything else counts in http_req_failed). */
  readonly expected: readonly number[];
  /** The caller uses its own token on its own resource: 401/403 is an authentication failure. */
  readonly ownResource: boolean;
}

/** Where the requests go and the project's public key. */
export interface Target {
  readonly apiUrl: string;
  readonly supabaseUrl: string;
  readonly anonKey: string;
}

export interface AppRequestOptions {
  readonly token?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expected?: readonly number[];
}

/**
 * A request to the app API, authenticated the way the route expects.
 * @example appRequest(target, routes.affiliateClick, { token, body }) // token in ?authorization=Bearer%20…
 */
export function appRequest(target: Target, route: Route, options: AppRequestOptions = {}): RequestSpec {
  const query: Record<string, string | number | boolean> = { ...options.query };
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (route.auth !== 'none') {
    if (options.token === undefined) throw new Error(`route ${route.name} needs a token (auth ${route.auth})`);
    if (route.auth === 'query') query.authorization = `Bearer ${options.token}`;
    else headers.Authorization = `Bearer ${options.token}`;
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return {
    method: route.method,
    url: `${target.apiUrl}${routePath(route, options.params)}${queryString(query)}`,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    name: route.name,
    expected: options.expected ?? (route.method === 'POST' ? [200, 201] : [200]),
    ownResource: isOwnResource(route),
  };
}

export interface RestRequestOptions {
  readonly method?: Method;
  /** A user's access token; without it the request runs as `anon`. */
  readonly token?: string;
  /** PostgREST query string without the leading `?`, e.g. `select=id&is_active=eq.true`. */
  readonly query?: string;
  readonly body?: unknown;
  readonly prefer?: string;
  readonly expected?: readonly number[];
  /** The caller reads or writes its own rows (see RequestSpec.ownResource). */
  readonly ownResource?: boolean;
}

/**
 * A request to the Data API (PostgREST behind the Supabase gateway), with the headers supabase-js
 * sends: `apikey` always carries the anon-role key (publishable `sb_publishable_…` or legacy `anon`
 * JWT), `Authorization` the user's token or, for anonymous callers, the key too (the gateway
 * replaces an opaque `sb_…` bearer with the role's JWT).
 */
export function restRequest(target: Target, table: TableName, options: RestRequestOptions = {}): RequestSpec {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    apikey: target.anonKey,
    Authorization: `Bearer ${options.token ?? target.anonKey}`,
    Accept: 'application/json',
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.prefer) headers.Prefer = options.prefer;
  return {
    method,
    url: `${target.supabaseUrl}${supabasePaths.rest}/${table}${options.query ? `?${options.query}` : ''}`,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    name: `rest_${table}`,
    expected: options.expected ?? (method === 'POST' ? [201] : method === 'GET' ? [200, 206] : [200, 204]),
    ownResource: options.ownResource ?? false,
  };
}

/** `?a=1&b=x%20y` from a record (keys in insertion order), or '' when empty. */
export function queryString(query: Readonly<Record<string, string | number | boolean>>): string {
  const pairs = Object.entries(query).map(
    ([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`,
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}
