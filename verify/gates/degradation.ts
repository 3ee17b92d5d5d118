/**
 * The checklist's rollback trigger "Query performance degradation >300%": per endpoint, peak latency
 * over baseline latency must stay below 4. Needs a baseline (`--baseline`): a run of the baseline
 * profile against the same target (a run folder, or the summary.json of a report that judged one),
 * never the peak run itself. Every endpoint the peak run sent is judged or named with why not.
 */

import { insufficient } from '../checks/result.ts';
import type { EndpointStats, LoadEvidence, VerifyContext } from '../context.ts';
import { round, times } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { differentTarget, loadProblems, unusableLoad } from '../k6/gate-support.ts';
import { withMeasurementValidity } from '../k6/generator-health.ts';

const gate = {
  id: 'degradation',
  title: 'Degradation from baseline to peak',
  level: 'error',
  checklist: ['Query performance degradation >300%'],
} as const;

/** The thresholds the comparison reads (model/slo.ts, overridable with --criteria). */
type Rules = { readonly [K in 'maxDegradationRatio' | 'degradationMinRequests' | 'degradationP95MinRequests']: number };

/** One endpoint of the peak run: its ratio and the statistic behind it, or why it has none. */
export type EndpointComparison =
  | {
      readonly endpoint: string;
      readonly judged: true;
      readonly statistic: 'p95' | 'median';
      readonly baselineRequests: number;
      readonly peakRequests: number;
      readonly baselineMs: number;
      readonly peakMs: number;
      readonly ratio: number;
      readonly fails: boolean;
    }
  | {
      readonly endpoint: string;
      readonly judged: false;
      readonly baselineRequests: number;
      readonly peakRequests: number;
      readonly reason: string;
    };

/**
 * Each endpoint the peak run sent against the baseline. With enough requests in both runs for a
 * steady p95 the p95s are compared, as the checklist's latency lines are; with fewer the medians,
 * since the p95 of a few dozen points is their second-slowest one and one slow request in the
 * baseline would hide a regression (or one at peak invent it); below the minimum nothing is judged.
 */
export function compareEndpoints(
  peak: readonly EndpointStats[],
  baseline: readonly EndpointStats[],
  rules: Rules,
): EndpointComparison[] {
  const base = new Map(baseline.map((e) => [e.name, e]));
  return peak
    .filter((e) => e.requests > 0)
    .map((e): EndpointComparison => {
      const b = base.get(e.name);
      const counts = { endpoint: e.name, baselineRequests: b?.requests ?? 0, peakRequests: e.requests };
      if (!b || b.requests === 0) return { ...counts, judged: false, reason: 'no requests in the baseline' };
      const short = [
        ...(b.requests < rules.degradationMinRequests ? [`${b.requests} in the baseline`] : []),
        ...(e.requests < rules.degradationMinRequests ? [`${e.requests} at peak`] : []),
      ];
      if (short.length)
        return {
          ...counts,
          judged: false,
          reason: `too few requests, ${short.join(' and ')}, of the ${rules.degradationMinRequests} needed in each run`,
        };
      const statistic = Math.min(b.requests, e.requests) >= rules.degradationP95MinRequests ? 'p95' : 'median';
      const [baselineMs, peakMs] =
        statistic === 'p95' ? [b.latency.p95, e.latency.p95] : [b.latency.p50, e.latency.p50];
      if (baselineMs <= 0) return { ...counts, judged: false, reason: `baseline ${statistic} is 0 ms` };
      const ratio = round(peakMs / baselineMs, 2);
      return {
        ...counts,
        judged: true,
        statistic,
        baselineMs,
        peakMs,
        ratio,
        fails: ratio >= rules.maxDegradationRatio,
      };
    })
    .sort(
      (a, b) =>
        rank(a) - rank(b) || (a.judged && b.judged ? b.ratio - a.ratio : 0) || a.endpoint.localeCompare(b.endpoint),
    );
}

/** What a reviewer reads first: failures, then endpoints not judged, then passes (by ratio within each). */
function rank(c: EndpointComparison): number {
  return c.judged ? (c.fails ? 0 : 2) : 1;
}

/** Why the given baseline is no baseline of this peak run; undefined when it is one. */
export function unfitBaseline(peak: LoadEvidence, baseline: LoadEvidence): string | undefined {
  const peakDirs = new Set(peak.sources.map((s) => s.runDir));
  if (baseline.sources.some((s) => peakDirs.has(s.runDir)))
    return 'the baseline is the judged run itself: give --baseline a run of the baseline profile';
  if (baseline.profile !== 'baseline')
    return `the baseline is ${baseline.profile === undefined ? 'a run of no recorded profile' : `a "${baseline.profile}" run`}, not a run of the baseline profile (npm run load -- baseline)`;
  return differentTarget(peak, baseline);
}

/**
 * The endpoints the peak run's journeys were scheduled to send (load.json), over all its instances;
 * undefined when no source records a plan (a run not made by `npm run load`): then every endpoint counts.
 */
function plannedEndpoints(load: LoadEvidence): Set<string> | undefined {
  const plans = load.sources.flatMap((s) =>
    s.load?.scheduled?.requestsPerEndpoint ? [s.load.scheduled.requestsPerEndpoint] : [],
  );
  return plans.length ? new Set(plans.flatMap((plan) => Object.keys(plan))) : undefined;
}

const judged = {
  ...gate,
  async run({ load, baseline, criteria }: VerifyContext): Promise<GateResult> {
    const max = criteria.maxDegradationRatio;
    const threshold =
      `every endpoint of the peak run, with >= ${criteria.degradationMinRequests} requests in both runs: peak / baseline < ${max}x ` +
      `(p95s with >= ${criteria.degradationP95MinRequests} requests in both, else medians)`;
    const unusable = unusableLoad(gate, threshold, load, 'peak run');
    if (unusable) return unusable;
    if (!baseline)
      return insufficient(
        gate,
        threshold,
        'No baseline to compare with: give --baseline with a baseline-profile run folder or an earlier summary.json.',
      );
    const unfit = unfitBaseline(load!, baseline);
    if (unfit !== undefined)
      return insufficient(gate, threshold, `No baseline to compare with: ${unfit}.`, {
        figures: { 'baseline profile': baseline.profile ?? null },
      });
    const baseProblems = loadProblems(baseline);
    if (baseProblems.length > 0) {
      return insufficient(gate, threshold, `The baseline's k6 output is incomplete or malformed: ${baseProblems[0]}`, {
        rows: baseProblems.map((problem) => ({ problem })),
      });
    }
    // setup()'s probes (one request each to health, users_me, ...) are not endpoints of the load; an
    // endpoint outside the plan that carried load (a plan behind its journeys) is judged all the same.
    const planned = plannedEndpoints(load!);
    const isProbe = (e: EndpointStats) =>
      planned !== undefined && !planned.has(e.name) && e.requests < criteria.degradationMinRequests;
    const probes = load!.endpoints.filter(isProbe);
    const compared = compareEndpoints(
      load!.endpoints.filter((e) => !isProbe(e)),
      baseline.endpoints,
      criteria,
    );
    const judged = compared.flatMap((c) => (c.judged ? [c] : []));
    const unjudged = compared.flatMap((c) => (c.judged ? [] : [c]));
    const failing = judged.filter((c) => c.fails);
    const worst = judged[0]; // failures rank first, so judged endpoints are in falling ratio
    const notJudged = unjudged.length
      ? ` Not judged, so the gate cannot pass for them: ${unjudged.map((c) => `${c.endpoint} (${c.reason})`).join('; ')}. ` +
        'Run the baseline profile (it runs long enough for every endpoint) and a peak of at least its default length.'
      : '';
    const status = failing.length ? 'fail' : unjudged.length || !worst ? 'insufficient-data' : 'pass';
    return {
      ...gate,
      status,
      threshold,
      measured: [
        worst
          ? `worst ratio ${times(worst.ratio)} (${worst.endpoint} ${worst.statistic}: ${worst.baselineMs} → ${worst.peakMs} ms)`
          : 'no endpoint judged',
        ...(unjudged.length ? [`${unjudged.length} endpoint(s) not judged`] : []),
      ].join('; '),
      evidence: {
        summary:
          (failing.length
            ? `${failing.length} endpoint(s) degrade by ${max}x or more from baseline to peak: ${failing.map((c) => `${c.endpoint} ${times(c.ratio)}`).join(', ')}.`
            : judged.length
              ? `All ${judged.length} judged endpoints stay below ${max}x their baseline.`
              : 'No endpoint of the peak run could be judged against the baseline.') +
          notJudged +
          (probes.length
            ? ` Outside the load's plan (setup() probes), not judged: ${probes.map((e) => `${e.name} (${e.requests})`).join(', ')}.`
            : ''),
        figures: {
          'peak endpoints': compared.length,
          judged: judged.length,
          'not judged': unjudged.length,
          'setup probes': probes.length,
          failing: failing.length,
          'worst ratio': worst?.ratio ?? null,
          'baseline profile': baseline.profile ?? null,
        },
        rows: compared.map((c) =>
          c.judged
            ? {
                endpoint: c.endpoint,
                statistic: c.statistic,
                baseline_ms: c.baselineMs,
                peak_ms: c.peakMs,
                ratio: c.ratio,
                requests: `${c.baselineRequests} → ${c.peakRequests}`,
                status: c.fails ? 'fail' : 'pass',
              }
            : {
                endpoint: c.endpoint,
                statistic: null,
                baseline_ms: null,
                peak_ms: null,
                ratio: null,
                requests: `${c.baselineRequests} → ${c.peakRequests}`,
                status: 'insufficient-data',
                reason: c.reason,
              },
        ),
        links: ['#endpoints'],
      },
    };
  },
} satisfies Gate<VerifyContext>;

export default withMeasurementValidity(judged, { baseline: true });
