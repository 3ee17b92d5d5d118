/**
 * k6 thresholds from the checklist's success criteria (model/slo.ts), declared per endpoint so
 * each endpoint's p90/p95 appears in the end-of-test summary (k6 only summarises sub-metrics that
 * have thresholds). Pure.
 */
import { allowedDroppedIterations, type JourneyName, type LoadPlan } from '../../model/profiles.ts';
import type { SuccessCriteria } from '../../model/slo.ts';
import { endpointsOf } from './endpoints.ts';

export type ThresholdSpec =
  | string
  | { readonly threshold: string; readonly abortOnFail: boolean; readonly delayAbortEval?: string };
export type Thresholds = Record<string, ThresholdSpec[]>;

export function buildThresholds(plan: LoadPlan, criteria: SuccessCriteria): Thresholds {
  const journeys = Object.keys(plan.scenarios) as JourneyName[];
  const thresholds: Thresholds = {
    // "99.9% uptime": failed requests (statuses outside each request's expected set) below 0.1%.
    http_req_failed: [`rate<${criteria.maxFailedRequestRate}`],
    checks: [`rate>=${1 - criteria.maxFailedRequestRate}`],
    // A leak makes every later number meaningless for sign-off: stop at once.
    aclue_rls_leaks: [{ threshold: `count<=${criteria.maxRlsLeaks}`, abortOnFail: true }],
    aclue_auth_failures: [`count<=${criteria.maxAuthFailures}`],
    dropped_iterations: [`count<=${allowedDroppedIterations(plan, criteria.maxDroppedIterationRate)}`],
    aclue_clicks_created: [],
    aclue_writes: [],
    aclue_postbacks: [],
    aclue_db_time: [],
  };
  const latency: ThresholdSpec[] = plan.profile.judgesLatency
    ? [`p(90)<${criteria.latency.p90Ms}`, `p(95)<${criteria.latency.p95Ms}`]
    : [];
  const first = plan.steps?.[0];
  if (first) {
    // A capacity run stops once it is clearly past its knee. k6 judges thresholds over the run so
    // far, so these trip only after the bad steps outweigh the good ones, and never in the first step.
    const stop = { abortOnFail: true, delayAbortEval: `${first.holdSeconds}s` } as const;
    thresholds.http_req_failed = [{ threshold: `rate<${criteria.capacity.stopFailedRequestRate}`, ...stop }];
    latency.push({ threshold: `p(95)<${criteria.latency.p95Ms * criteria.capacity.stopLatencyFactor}`, ...stop });
  }
  for (const name of endpointsOf(journeys)) {
    thresholds[`http_req_duration{name:${name}}`] = [...latency];
    // Empty lists: no pass/fail, but the sub-metric then appears in the summary.
    thresholds[`http_req_failed{name:${name}}`] = [];
    thresholds[`http_reqs{name:${name}}`] = [];
    thresholds[`aclue_db_time{name:${name}}`] = [];
  }
  for (const journey of journeys) {
    thresholds[`iterations{scenario:${journey}}`] = [];
    thresholds[`dropped_iterations{scenario:${journey}}`] = [];
  }
  return thresholds;
}
