/**
 * The kit's custom metrics as data (contract with verify: names and tags are read by verify/k6).
 * Each runtime declares them its own way: k6 as Counter/Trend objects, the engine in its registry.
 */

export const customMetrics = {
  /** Rows or writes the Data API granted one user on another user's data. Must stay 0. */
  aclue_rls_leaks: { type: 'counter', isTime: false },
  /** 401/403 on a user's own resource with the user's own valid token. Tag `name`. */
  aclue_auth_failures: { type: 'counter', isTime: false },
  /** One per affiliate click the API recorded; tag `click_id` lets verify find each one in the database. */
  aclue_clicks_created: { type: 'counter', isTime: false },
  /** One per write the API acknowledged; tags `entity` and `id`, for verify's real-data reconciliation. */
  aclue_writes: { type: 'counter', isTime: false },
  /**
   * One per postback the load planted, whatever the app answered: the load run's truth. Tags `kind`
   * (scenarios/lib/postback.ts), `click_id`, `order_id`, `user_id`, `amount`, `commission`,
   * `clicked_at` (late plants), and the answer: `status`, `outcome`. Verify's attribution gate
   * reconciles what the app stored against them.
   */
  aclue_postbacks: { type: 'counter', isTime: false },
  /** Database time the server reported in `Server-Timing: db;dur=`, ms. Tag `name`. */
  aclue_db_time: { type: 'trend', isTime: true },
} as const satisfies Record<string, { type: 'counter' | 'trend'; isTime: boolean }>;

export type CustomMetricName = keyof typeof customMetrics;
export const customMetricNames = Object.keys(customMetrics) as CustomMetricName[];
