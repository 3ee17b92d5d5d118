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
  /**
   * The load generator's own health: beyond any of these it was saturated, its latency figures
   * measure the instrument as much as the app, and the latency gates do not judge them
   * (verify/k6/generator-health.ts). Event-loop delay p99 and CPU share are the kit engine's
   * per-second samples at their 95th percentile over the run (one bad second in twenty is
   * tolerated, as p95 latency tolerates it); schedule lag is the p95 of how late iterations started.
   * Drops beyond maxDroppedIterationRate count too: the one sign of it k6 gives.
   */
  generator: {
    maxEventLoopP99Ms: 50,
    /** of one core: the engine's JavaScript runs on one */
    maxCpuShare: 0.9,
    maxScheduleLagP95Ms: 100,
  },
  /** rollback trigger "Query performance degradation >300%": peak / baseline latency must stay below 4 */
  maxDegradationRatio: 4.0,
  /**
   * an endpoint is judged only with this many requests in both runs (fewer: insufficient data, named);
   * the baseline profile runs long enough that every endpoint it sends reaches it
   */
  degradationMinRequests: 20,
  /** with fewer requests than this in either run the medians are compared: a p95 of fewer points is set by its slowest few */
  degradationP95MinRequests: 100,
  /** "Index usage ratio >80%" (performance targets; the success criteria say >75%) */
  minIndexUsageRatio: 0.8,
  /** tables smaller than this are not judged on index usage (seq scans are right for them) */
  indexUsageMinRows: 1000,
  /**
   * tables scanned fewer times than this during the load run are not judged on index usage: a ratio
   * over a handful of scans is not evidence (docs/gates/database.md says how the number was chosen)
   */
  indexUsageMinScans: 100,
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
    /** a mean short of minOracleFraction x oracle but at least this share of it warns instead of failing */
    warnOracleFraction: 0.85,
    /** fewer measured users than this give an interval too wide to sign against (insufficient-data) */
    minMeasuredUsers: 30,
    /**
     * users scored per group (measured, cold start): a sample keyed by user id beyond this, so verify's
     * time stops growing with the scale; 1,000 users put the NDCG CI within about +-0.01
     */
    maxScoredUsers: 1000,
  },
  /** "Recommendation accuracy improved": the app's recommended items against the planted tiers */
  recommendation: {
    /** items of GET /recommendations/ scored, by NDCG@k */
    k: 10,
    /** the NDCG@k 95% CI lower bound must beat a popularity-only list by this margin */
    minMarginOverPopularity: 0.1,
    /** and the mean must reach this share of the list the app's own preferences give */
    minPreferenceFraction: 0.9,
  },
  /** The capacity envelope (`npm run load -- capacity`): how far past the 10x target the service holds. */
  capacity: {
    /** warn below this headroom: the highest step where every error-level criterion holds, over the 10x target */
    minHeadroom: 1.5,
    /** a run is stopped (abortOnFail, after its first step) once the failed-request rate passes this: clearly past the knee */
    stopFailedRequestRate: 0.05,
    /** ... or an endpoint's p95 passes this many times its limit */
    stopLatencyFactor: 4,
  },
  realData: {
    /** share of a user's recommendations from their top-3 liked categories (chance is ~30% with 10 categories) */
    minPreferenceShare: 0.5,
    /** users with history probed through the per-user endpoints: at least this many ... */
    minProbedUsers: 30,
    /** ... or this share of the users with swipes, whichever is more */
    probedUserFraction: 0.05,
    /** ... but no more than this many, so verify's time stops growing with the scale (reached at scale 4) */
    maxProbedUsers: 200,
    /** most of the probed users may not get one same body (ids and times aside): more is a canned answer */
    maxSameBodyShare: 0.5,
  },
} as const;

export type SuccessCriteria = typeof successCriteria;
