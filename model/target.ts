/**
 * The target system's names: API paths, auth conventions, tables and columns.
 *
 * Must know: this module is runtime-neutral (no node:* or k6/* imports) because the seed (Node),
 * the scenarios (k6) and verify (Node) all read it. A team whose staging names something
 * differently changes it here, and nowhere else. Values follow the real Aclue backend and schema
 * (github.com/griffin1995/aclue: `database/*.sql` and `backend/app/api/v1/`; differences in
 * docs/schema-departures.md).
 */

/** How a route expects the caller's access token (the FastAPI dependencies of the backend's `api/v1/endpoints/`). */
export type AuthStyle =
  /** no authentication */
  | 'none'
  /** FastAPI HTTPBearer: `Authorization: Bearer <t>`; missing header → 403, bad token → 401 */
  | 'bearer'
  /** manual header check: `Authorization: Bearer <t>`; missing header → 401 */
  | 'header'
  /** required query parameter `authorization=Bearer <t>`; missing → 422 */
  | 'query';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the API base, with `{param}` placeholders; trailing slashes as the backend has them. */
  readonly path: string;
  readonly auth: AuthStyle;
  /** Stable name used as the k6 `name` tag and in reports. */
  readonly name: string;
}

/** Base path of the app API on the backend host. */
export const API_BASE = '/api/v1';

export const routes = {
  health: { method: 'GET', path: '/health', auth: 'none', name: 'health' },
  register: { method: 'POST', path: '/auth/register', auth: 'none', name: 'auth_register' },
  login: { method: 'POST', path: '/auth/login', auth: 'none', name: 'auth_login' },
  refresh: { method: 'POST', path: '/auth/refresh', auth: 'none', name: 'auth_refresh' },
  me: { method: 'GET', path: '/auth/me', auth: 'bearer', name: 'auth_me' },
  logout: { method: 'POST', path: '/auth/logout', auth: 'bearer', name: 'auth_logout' },
  products: { method: 'GET', path: '/products/', auth: 'none', name: 'products_list' },
  product: { method: 'GET', path: '/products/{id}', auth: 'none', name: 'product_detail' },
  trending: { method: 'GET', path: '/products/trending/', auth: 'none', name: 'products_trending' },
  swipe: { method: 'POST', path: '/swipes/', auth: 'header', name: 'swipe_create' },
  swipeSessions: { method: 'GET', path: '/swipes/sessions', auth: 'header', name: 'swipe_sessions_list' },
  swipeSessionStart: { method: 'POST', path: '/swipes/sessions', auth: 'header', name: 'swipe_session_start' },
  recommendations: { method: 'GET', path: '/recommendations/', auth: 'header', name: 'recommendations_list' },
  recommendationInteraction: {
    method: 'POST',
    path: '/recommendations/interactions',
    auth: 'header',
    name: 'recommendation_interaction',
  },
  giftLinkCreate: { method: 'POST', path: '/gift-links/', auth: 'header', name: 'gift_link_create' },
  giftLinks: { method: 'GET', path: '/gift-links/', auth: 'header', name: 'gift_links_list' },
  giftLink: { method: 'GET', path: '/gift-links/{token}', auth: 'none', name: 'gift_link_view' },
  affiliateClick: { method: 'POST', path: '/affiliate/clicks/', auth: 'query', name: 'affiliate_click' },
  affiliateStats: { method: 'GET', path: '/affiliate/stats/', auth: 'query', name: 'affiliate_stats' },
  /** Not in the real backend: the checklist's conversion tracking needs a network postback. */
  affiliatePostback: { method: 'POST', path: '/affiliate/postbacks/', auth: 'none', name: 'affiliate_postback' },
  userMe: { method: 'GET', path: '/users/me', auth: 'bearer', name: 'users_me' },
  userStatistics: { method: 'GET', path: '/users/me/statistics', auth: 'bearer', name: 'users_me_statistics' },
} as const satisfies Record<string, Route>;

export type RouteKey = keyof typeof routes;

/** A route whose caller acts on their own rows with their own token: a 401/403 there is an authentication failure. */
export const isOwnResource = (route: Route): boolean => route.auth !== 'none';

/**
 * Swipe directions the API accepts, and what the database stores for each (the deployed swipe
 * route; the swipe_direction CHECK of the project's `database/schema.sql`).
 */
export const swipeDirections = {
  like: { stored: 'right', strength: 0.8 },
  dislike: { stored: 'left', strength: 0.2 },
  super_like: { stored: 'up', strength: 0.95 },
} as const;
export type ApiSwipeDirection = keyof typeof swipeDirections;

/** Supabase's own paths (the Data API is PostgREST behind the gateway). */
export const supabasePaths = {
  rest: '/rest/v1',
  auth: '/auth/v1',
} as const;

/** The public tables of the Aclue schema; the first nine predate the deployment, the last five are new. */
export const tables = {
  users: 'users',
  profiles: 'profiles',
  categories: 'categories',
  products: 'products',
  swipeSessions: 'swipe_sessions',
  swipeInteractions: 'swipe_interactions',
  recommendations: 'recommendations',
  giftLinks: 'gift_links',
  newsletterSignups: 'newsletter_signups',
  affiliateClicks: 'affiliate_clicks',
  userPreferences: 'user_preferences',
  sessionAnalytics: 'session_analytics',
  productViews: 'product_views',
  recommendationFeedback: 'recommendation_feedback',
} as const;
export type TableName = (typeof tables)[keyof typeof tables];
export const allTables = Object.values(tables) as readonly TableName[];

/** Columns whose names differ between the project's 02 and 03 scripts; the kit follows 03. */
export const columnVariants = {
  sessionAnalyticsOs: { '02': 'os', '03': 'operating_system' },
  feedbackTags: { '02': 'tags', '03': 'feedback_tags' },
  feedbackConfidence: { '02': 'confidence_score', '03': 'original_confidence_score' },
} as const;

/** Fill `{param}` placeholders of a route path (values are URI-encoded). */
export function routePath(route: Route, params: Readonly<Record<string, string>> = {}): string {
  return `${API_BASE}${route.path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`route ${route.name}: missing path parameter {${key}}`);
    return encodeURIComponent(value);
  })}`;
}
