/**
 * The checklist's rollback trigger "Query performance degradation >300%": per endpoint, peak p95
 * over baseline p95 must stay below 4. Needs a baseline (`--baseline`): a baseline-profile run or
 * an earlier report's summary.json.
 */
import type { Gate, GateResult } from '../gate.ts';
import type { VerifyContext } from '../context.ts';
import { insufficient, loadProblems, unusableLoad } from '../k6/gate-support.ts';

const gate = {
  id: 'degradation',
  title: 'Degradation from baseline to peak',
  level: 'error',
  checklist: ['Query performance degradation >300%'],
} as const;

export default {
  ...gate,
  async run({ load, baseline, criteria }: VerifyContext): Promise<GateResult> {
    const max = criteria.maxDegradationRatio;
    const minRequests = criteria.degradationMinRequests;
    const threshold = `per endpoint with >= ${minRequests} requests in both runs: peak p95 / baseline p95 < ${max}`;
    const unusable = unusableLoad(gate, threshold, load, 'peak run');
    if (unusable) return unusable;
    if (!baseline) return insufficient(gate, threshold, 'No baseline to compare with: give --baseline with a baseline-profile run folder or an earlier summary.json.');
    const baseProblems = loadProblems(baseline);
    if (baseProblems.length > 0) {
      return insufficient(gate, threshold, `The baseline's k6 output is incomplete or malformed: ${baseProblems[0]}`, { rows: baseProblems.map((problem) => ({ problem })) });
    }
    const base = new Map(baseline.endpoints.map((e) => [e.name, e]));
    const comparable = (e: { name: string; requests: number }) => e.requests >= minRequests && (base.get(e.name)?.requests ?? 0) >= minRequests;
    const tooFew = load!.endpoints.filter((e) => base.has(e.name) && !comparable(e)).map((e) => `${e.name} (${base.get(e.name)!.requests} → ${e.requests})`);
    const rows = load!.endpoints
      .filter((e) => comparable(e) && (base.get(e.name)?.latency.p95 ?? 0) > 0)
      .map((e) => {
        const b = base.get(e.name)!;
        const ratio = e.latency.p95 / b.latency.p95;
        return { endpoint: e.name, baseline_p95_ms: b.latency.p95, peak_p95_ms: e.latency.p95, ratio: Math.round(ratio * 100) / 100, status: ratio >= max ? 'fail' : 'pass' };
      })
      .sort((a, b) => b.ratio - a.ratio);
    const unmatched = load!.endpoints.filter((e) => !base.has(e.name)).map((e) => e.name);
    if (rows.length === 0) {
      return insufficient(gate, threshold, tooFew.length
        ? `No endpoint has ${minRequests} requests in both runs to compare: ${tooFew.join(', ')}. Run the baseline longer (K6_PROFILE_DURATION).`
        : 'The peak run and the baseline have no endpoint in common (by k6 name tag).', {
        figures: { 'peak endpoints': load!.endpoints.length, 'baseline endpoints': baseline.endpoints.length },
      });
    }
    const failing = rows.filter((r) => r.status === 'fail');
    const worst = rows[0]!;
    return {
      ...gate,
      status: failing.length ? 'fail' : 'pass',
      threshold,
      measured: `worst ratio ${worst.ratio.toFixed(2)}x (${worst.endpoint}: ${worst.baseline_p95_ms} → ${worst.peak_p95_ms} ms)`,
      evidence: {
        summary:
          (failing.length
            ? `${failing.length} endpoint(s) degrade by ${max}x or more from baseline to peak: ${failing.map((r) => r.endpoint).join(', ')}.`
            : `All ${rows.length} compared endpoints stay below ${max}x their baseline p95.`) +
          (unmatched.length ? ` Not in the baseline, so not compared: ${unmatched.join(', ')}.` : '') +
          (tooFew.length ? ` Too few requests to compare (baseline → peak): ${tooFew.join(', ')}.` : ''),
        figures: { compared: rows.length, failing: failing.length, 'worst ratio': worst.ratio, 'baseline profile': baseline.profile ?? null },
        rows,
        links: ['#endpoints'],
      },
    };
  },
} satisfies Gate<VerifyContext>;
