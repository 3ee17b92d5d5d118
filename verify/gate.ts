/**
 * The one shape every gate returns, so the report, summary.json and junit.xml can render any gate
 * without knowing it (the splinter idea: checks as data with fixed columns).
 */

export type GateLevel = 'error' | 'warn' | 'info';
export type GateStatus = 'pass' | 'warn' | 'fail' | 'insufficient-data';

export interface Evidence {
  /** One or two sentences a reviewer reads first. */
  readonly summary: string;
  /** Named figures behind the measured value (counts, percentiles, CI bounds). */
  readonly figures?: Readonly<Record<string, number | string | null>>;
  /** The first offending (or representative) rows, already trimmed to a readable number. */
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
  /** Anchors into the HTML report (`#attribution`) or files beside it. */
  readonly links?: readonly string[];
}

export interface GateResult {
  /** Stable id, equal to the gate file's stem: `api-latency`, `attribution`. */
  readonly id: string;
  readonly title: string;
  /** How much a failure weighs: an `error` fail means NO-GO, a `warn` fail means CONDITIONAL. */
  readonly level: GateLevel;
  readonly status: GateStatus;
  /** The rule in words with its numbers: "p95 < 200 ms per endpoint". */
  readonly threshold: string;
  /** The measured value in words: "worst p95 173 ms (swipe_create)". */
  readonly measured: string;
  readonly evidence: Evidence;
  /** The checklist lines this gate answers, verbatim from the deployment checklist. */
  readonly checklist: readonly string[];
}

/**
 * A gate: one file in verify/gates/, discovered by glob (its file stem is its id). `run` never
 * throws for missing evidence: it returns status `insufficient-data` and says what was missing.
 */
export interface Gate<Context = unknown> {
  readonly id: string;
  readonly title: string;
  readonly level: GateLevel;
  readonly checklist: readonly string[];
  run(context: Context): Promise<GateResult>;
}
