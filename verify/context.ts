/**
 * What every gate receives: the parsed config, a database connection, the k6 evidence of the load
 * run(s) and the thresholds. Built once by scripts/verify.ts; gates read it and never throw for a
 * missing part (they answer `insufficient-data` and say which part was missing).
 */
import type pg from 'pg';
import type { KitConfig } from '../lib/config.ts';
import type { JwtSigner } from '../lib/jwt.ts';
import type { TargetIdentity } from '../lib/target-identity.ts';
import type { SuccessCriteria } from '../model/slo.ts';
import type { CapacityEnvelope } from './capacity/envelope.ts';

export interface VerifyContext {
  readonly config: KitConfig;
  /** Superuser or service connection to the target database; undefined when it could not be reached. */
  readonly db: pg.Pool | undefined;
  /** Why `db` is undefined, in one line (names the setting), for the gates' evidence. */
  readonly dbError?: string;
  /** Seed runs this verification judges (kit_truth.runs.run_id); empty when none was given or found. */
  readonly seedRunIds: readonly string[];
  /** Parsed k6 results of the run(s) under judgement (merged when several instances were given). */
  readonly load: LoadEvidence | undefined;
  /** The earlier run to compare with (`--baseline`): a baseline-profile run or an earlier report. */
  readonly baseline: LoadEvidence | undefined;
  /** The capacity run's envelope (`--capacity`, else the newest capacity run); undefined when there is none. */
  readonly capacity?: CapacityEnvelope;
  /** Thresholds: model/slo.ts defaults, possibly overridden by `--criteria FILE`. */
  readonly criteria: SuccessCriteria;
  /** The target's API with its keys; undefined when they are not known. */
  readonly api:
    | {
        readonly url: string;
        /** The anon-role API key: publishable (`sb_publishable_…`) or the legacy `anon` JWT. */
        readonly anonKey: string;
        /** The elevated API key: secret (`sb_secret_…`) or the legacy `service_role` JWT. */
        readonly serviceRoleKey: string;
        /** Mints seeded users' access tokens; undefined when the target's token keys are not known. */
        readonly userTokens?: JwtSigner;
      }
    | undefined;
  /** Why `api` is undefined (no keys, or nothing answered at the URL), for the gates' evidence. */
  readonly apiError?: string;
  /** The App API's base URL (routes under /api/v1: `KIT_APP_URL`); undefined when unknown or unreachable. */
  readonly app?: { readonly url: string };
  /** Why `app` is undefined, naming the URL or the setting, for the gates' evidence. */
  readonly appError?: string;
  /** The target under judgement: evidence recording another target's identity is not judged. */
  readonly target?: TargetIdentity;
  /** Wall-clock bounds of the load run, so database gates can pick samples taken during it. */
  readonly statsWindow?: { readonly startedAt: string; readonly finishedAt: string };
  /** Folder the report is written to; gates may link files beside index.html. */
  readonly outDir: string;
}

/** Latency distribution of one set of requests (ms), from merged histograms, never averaged. */
export interface LatencyStats {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface EndpointStats {
  /** The k6 `name` tag (model/target.ts route name, `rest_<table>`, `auth_token`). */
  readonly name: string;
  readonly latency: LatencyStats;
  /** Requests counted by `http_req_failed` and how many of them failed. */
  readonly requests: number;
  readonly failed: number;
  readonly errorRate: number;
  /** Responses per HTTP status ("200": 1234). */
  readonly statuses: Readonly<Record<string, number>>;
  /** HDR histogram of durations, compressed and base64-encoded, so percentiles can be recomputed offline. */
  readonly histogram?: string;
}

/** One fixed time window of the run (all endpoints together). */
export interface WindowStats {
  /** Window start, Unix seconds. */
  readonly t: number;
  readonly requests: number;
  readonly failed: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly iterations: number;
  readonly droppedIterations: number;
  /** Highest `vus` gauge value seen in the window (summed over instances). */
  readonly vus: number | null;
  /**
   * The kit engine's own health (absent for k6): highest per-second event-loop delay p99 and max (ms),
   * CPU share of one core and VUs busy ÷ allocated over the window's instances; p95 of how late
   * iterations started, of their duration from the planned start and of k6's iteration_duration
   * (ms); the lag histogram, so any span of windows can be judged (verify/k6/generator-health.ts).
   */
  readonly eventLoopP99?: number | null;
  readonly eventLoopMax?: number | null;
  readonly cpu?: number | null;
  readonly vusBusy?: number | null;
  readonly scheduleLagP95?: number | null;
  readonly intendedIterationP95?: number | null;
  readonly iterationP95?: number | null;
  readonly scheduleLagHistogram?: string;
}

/** Where the evidence came from, and what was wrong with it. */
export interface LoadSource {
  readonly runDir: string;
  /** `raw`: k6's --out json NDJSON; `summary`: fallback to k6-summary.json (no windows, no merged histograms). */
  readonly kind: 'raw' | 'summary';
  readonly file: string;
  readonly instance: string;
  readonly lines: number;
  /** Truncated or malformed input, named by file and line; evidence from such a source is partial. */
  readonly problems: readonly string[];
  /** load.json of the run, when present. */
  readonly load?: LoadRunInfo;
  /** Thresholds the engine judged breached (`metric expression`), from k6-summary.json beside the output. */
  readonly breachedThresholds?: readonly string[];
  /**
   * Metrics k6-summary.json lists (no submetrics): a counter a threshold names is listed even at zero,
   * so a counter absent from the raw output counts as zero only when its run listed it.
   */
  readonly summaryMetrics?: readonly string[];
}

/** The part of `load.json` (written by `npm run load`) that verify reads. */
export interface LoadRunInfo {
  readonly profile?: string;
  /** What ran the journeys (k6 or the kit's engine) and its version. */
  readonly engine?: { readonly name: string; readonly version: string };
  readonly command?: string;
  /** The load engine's exit code (99: thresholds breached); null when it was killed. */
  readonly exitCode?: number | null;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly targetUrl?: string;
  /** The target the run was made against (lib/target-identity.ts), as recorded; absent in older runs. */
  readonly targetIdentity?: unknown;
  readonly seedRunId?: string;
  readonly instance?: string;
  readonly scheduled?: {
    readonly iterations?: number;
    readonly ratePerJourney?: Readonly<Record<string, number>>;
    /** Requests per endpoint the journeys were scheduled to send: the load's endpoints, without setup()'s probes. */
    readonly requestsPerEndpoint?: Readonly<Record<string, number>>;
  };
  readonly baselineRates?: Readonly<Record<string, number>>;
  /** Where the 1x rates came from: `default` (the kit's own), `K6_BASELINE_RATES` or `K6_BASELINE_FILE`. */
  readonly baselineSource?: string;
}

/**
 * One postback the load planted (scenarios/lib/postback.ts), as sent, and the app's answer. Money as
 * the decimal text that was sent, so sums compare exactly.
 */
export interface PlantedPostback {
  readonly kind: string;
  readonly clickId: string;
  readonly orderId: string;
  /** Whose click it names; empty for a click id no app issued. */
  readonly userId: string;
  readonly amount: string;
  readonly commission: string;
  /** The aged click's own time (late plants); empty otherwise. */
  readonly clickedAt: string;
  readonly status: number;
  /** The `status` field of the app's answer. */
  readonly outcome: string;
}

/** Parsed k6 results of one run, or several instances of one run merged. */
export interface LoadEvidence {
  readonly sources: readonly LoadSource[];
  /** `summary` when any source had no raw output: percentiles then come from k6's own summary. */
  readonly kind: 'raw' | 'summary';
  readonly profile: string | undefined;
  /** First and last sample, ISO 8601; undefined when there was none. */
  readonly startedAt: string | undefined;
  readonly finishedAt: string | undefined;
  readonly durationSeconds: number;
  readonly windowSeconds: number;
  /** All requests together, then per endpoint sorted by name. */
  readonly overall: EndpointStats;
  readonly endpoints: readonly EndpointStats[];
  readonly windows: readonly WindowStats[];
  readonly iterations: {
    readonly completed: number;
    readonly dropped: number;
    /** Completed iterations per second over the run. */
    readonly achievedRate: number;
    /** Sum over instances of load.json `scheduled.iterations`; undefined when unknown. */
    readonly scheduled: number | undefined;
    /** Sum over journeys (and instances) of the scheduled peak rate per second; undefined when unknown. */
    readonly scheduledRate: number | undefined;
    /** Sum over journeys of the baseline (1x) rate per second (load.json `baselineRates`). */
    readonly baselineRate: number | undefined;
    /** Completed iterations per scenario tag. */
    readonly perScenario: Readonly<Record<string, number>>;
  };
  readonly vus: { readonly max: number | null; readonly maxAllocated: number | null };
  /** Sums of the kit's custom counters (`aclue_rls_leaks`, `aclue_auth_failures`, ...) and k6's `checks`. */
  readonly counters: Readonly<Record<string, number>>;
  /** `aclue_auth_failures` split by endpoint (name tag). */
  readonly authFailuresByEndpoint: Readonly<Record<string, number>>;
  /** `aclue_rls_leaks` split by endpoint (name tag): rows of another user the load could read or write. */
  readonly rlsLeaksByEndpoint: Readonly<Record<string, number>>;
  /** What the load created: `aclue_writes` points (entity, id) and `aclue_clicks_created` click ids. */
  readonly writes: readonly { readonly entity: string; readonly id: string }[];
  readonly clickIds: readonly string[];
  /** The postbacks the load planted (`aclue_postbacks`), each with the answer it got: the load's attribution truth. */
  readonly postbacks: readonly PlantedPostback[];
  /** Server-reported database time (`aclue_db_time`, ms). */
  readonly dbTime: LatencyStats | undefined;
  /**
   * Iterations timed from their planned start beside k6's iteration_duration, and how late they
   * started (the kit engine's `kit_*` metrics); absent for k6 runs and summaries.
   */
  readonly schedule?: {
    readonly lag: LatencyStats;
    readonly intendedIteration: LatencyStats;
    readonly iteration: LatencyStats;
  };
  /** `checks` passes and fails. */
  readonly checks: { readonly passes: number; readonly fails: number };
}
