/**
 * The deployment checklist's success criteria as numbers. k6 thresholds (scenarios) and verify's
 * gates both read these defaults; verify lets a config file override them per run.
 * Runtime-neutral: no node:* or k6/* imports.
 */
export const successCriteria = {
  /** "Query response time <100ms (90th percentile)", "95th percentile query response time <200ms" */
  latency: { p90Ms: 100, p95Ms: 200 },
  /** "99.9% database uptime": failed requests below 0.1% */
  maxFailedRequestRate: 0.001,
  /** "Zero authentication failures" on a user's own resources */
  maxAuthFailures: 0,
  /** "All RLS policies functioning correctly": any leak aborts the run */
  maxRlsLeaks: 0,
  /** "Support 10x current user load" */
  peakMultiplier: 10,
  /** share of the scheduled peak arrival rate that must actually be delivered */
  minAchievedRateFraction: 0.95,
  /** dropped iterations as a share of scheduled ones */
  maxDroppedIterationRate: 0.01,
  /** rollback trigger "Query performance degradation >300%": peak p95 / baseline p95 must stay below 4 */
  maxDegradationRatio: 4.0,
  /** an endpoint is compared only with this many requests in both runs: a p95 of fewer is little more than the slowest one */
  degradationMinRequests: 20,
  /** "Index usage ratio >80%" (performance targets; the success criteria say >75%) */
  minIndexUsageRatio: 0.8,
  /** tables smaller than this are not judged on index usage (seq scans are right for them) */
  indexUsageMinRows: 1000,
  /** "Connection utilisation <70%" */
  maxConnectionUtilisation: 0.7,
  /** below this cache hit rate Supabase's own guidance calls the compute too small (warn) */
  minCacheHitRate: 0.99,
  preference: {
    /** NDCG@3 bootstrap CI lower bound must clear this floor */
    ndcgFloor: 0.8,
    /** and the mean must reach this share of the oracle ceiling from the same swipes */
    minOracleFraction: 0.95,
    /** the app must beat a popularity-only ranking by this margin */
    minMarginOverPopularity: 0.15,
    /** users with fewer swipes are cold-start and reported apart */
    minSwipesPerUser: 40,
  },
} as const;

export type SuccessCriteria = typeof successCriteria;
