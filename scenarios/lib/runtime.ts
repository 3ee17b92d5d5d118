/**
 * What a journey needs from the program running it, as one small typed interface. Journeys and
 * actions are written once against it; two adapters implement it: scenarios/k6/ (k6's own
 * http.asyncRequest, metrics and sleep, for `k6 run scenarios/<profile>.ts`) and engine/ (the kit's
 * load engine in Node, for machines without k6).
 *
 * Must know: no k6/* or node:* imports here or in anything journeys import.
 */

import type { LoadPlan } from '../../model/profiles.ts';
import type { ScenarioEnv } from './env.ts';
import type { ManifestAgedClick, ManifestCategory, ManifestProduct, ManifestUser } from './manifest.ts';
import type { CustomMetricName } from './metrics.ts';
import type { RequestSpec, Target } from './requests.ts';
import type { SetupData } from './setup.ts';

export type Tags = Readonly<Record<string, string>>;

/** An answer as the journeys read it; status 0 with `error` set when none came. */
export interface Reply {
  readonly name: string;
  readonly status: number;
  readonly error: string;
  readonly body: string | undefined;
  /** The body parsed as JSON, or undefined. */
  readonly json: unknown;
  header(name: string): string | undefined;
}

export interface Runtime {
  /** Sends one request and resolves with its answer (never rejects for a transport error: status 0). */
  request(spec: RequestSpec, timeoutSeconds: number): Promise<Reply>;
  /** A user's pause; resolves after `seconds`. */
  sleep(seconds: number): Promise<void>;
  /** Records each named check as passed or failed, with the given tags. */
  check(results: Readonly<Record<string, boolean>>, tags: Tags): void;
  /** Adds a sample to one of the kit's custom metrics. */
  add(metric: CustomMetricName, value: number, tags: Tags): void;
  /** HMAC-SHA256 of `message` with `secret`, hex: how affiliate networks sign postbacks. */
  hmacSha256Hex(secret: string, message: string): string;
}

/** Read-only list access that both a plain array and k6's SharedArray give. */
export interface ListOf<T> {
  readonly length: number;
  readonly [index: number]: T;
}

/** What every iteration may read: settings, the seed manifest's people and things, the plan. */
export interface World {
  readonly env: ScenarioEnv;
  readonly target: Target;
  readonly plan: LoadPlan;
  readonly users: ListOf<ManifestUser>;
  readonly products: ListOf<ManifestProduct>;
  readonly categories: ListOf<ManifestCategory>;
  /** Seeded clicks outside the attribution window, for planting late conversions. */
  readonly agedClicks: ListOf<ManifestAgedClick>;
}

/** One iteration of one journey. */
export interface Iteration {
  readonly rt: Runtime;
  readonly world: World;
  /** The scenario's iteration number across the whole test (all instances). */
  readonly number: number;
  /** The VU running it, numbered from 1. */
  readonly vuId: number;
  /** What setup() returned, the same for every iteration. */
  readonly setup: SetupData;
}

/** A journey: one scenario's iteration function. */
export type Journey = (iteration: Iteration) => Promise<void>;
