/**
 * API latency at peak, per endpoint: p90 and p95 from the merged histograms of every instance
 * (never averaged per-instance percentiles). One slow endpoint fails the gate.
 */

import { insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import { ms } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { profileNote, sourceNote, unusableLoad } from '../k6/gate-support.ts';
import { withMeasurementValidity } from '../k6/generator-health.ts';

const gate = {
  id: 'api-latency',
  title: 'API latency per endpoint at peak',
  level: 'error',
  checklist: [
    'Query response time: <100ms (90th percentile)',
    '95th percentile query response time <200ms',
    'Verify response time targets',
  ],
} as const;

const judged = {
  ...gate,
  async run({ load, criteria }: VerifyContext): Promise<GateResult> {
    const { p90Ms, p95Ms } = criteria.latency;
    const threshold = `per endpoint: p90 < ${p90Ms} ms and p95 < ${p95Ms} ms`;
    const unusable = unusableLoad(gate, threshold, load, 'peak run');
    if (unusable) return unusable;
    const endpoints = load!.endpoints.length > 0 ? load!.endpoints : load!.overall.requests > 0 ? [load!.overall] : [];
    if (endpoints.length === 0)
      return insufficient(gate, threshold, 'The run recorded no HTTP requests (no http_req_duration samples).');
    const rows = endpoints.map((e) => {
      const fails = [
        e.latency.p90 >= p90Ms ? `p90 ≥ ${p90Ms} ms` : '',
        e.latency.p95 >= p95Ms ? `p95 ≥ ${p95Ms} ms` : '',
      ].filter(Boolean);
      return {
        endpoint: e.name,
        requests: e.latency.count,
        p50_ms: e.latency.p50,
        p90_ms: e.latency.p90,
        p95_ms: e.latency.p95,
        p99_ms: e.latency.p99,
        max_ms: e.latency.max,
        status: fails.length ? `fail (${fails.join(', ')})` : 'pass',
      };
    });
    const failing = rows.filter((r) => r.status !== 'pass');
    const worst95 = endpoints.reduce((a, b) => (b.latency.p95 > a.latency.p95 ? b : a));
    const worst90 = endpoints.reduce((a, b) => (b.latency.p90 > a.latency.p90 ? b : a));
    const perEndpoint =
      load!.endpoints.length > 0
        ? ''
        : ' No per-endpoint figures exist in this evidence; all requests were judged together.';
    return {
      ...gate,
      status: failing.length ? 'fail' : 'pass',
      threshold,
      measured: `worst p95 ${ms(worst95.latency.p95)} (${worst95.name}); worst p90 ${ms(worst90.latency.p90)} (${worst90.name})`,
      evidence: {
        summary:
          (failing.length
            ? `${failing.length} of ${rows.length} endpoints exceed the latency targets: ${failing.map((r) => r.endpoint).join(', ')}.`
            : `All ${rows.length} endpoints meet p90 < ${p90Ms} ms and p95 < ${p95Ms} ms.`) +
          perEndpoint +
          profileNote(load!) +
          sourceNote(load!),
        figures: {
          requests: load!.overall.latency.count,
          'overall p90 (ms)': load!.overall.latency.p90,
          'overall p95 (ms)': load!.overall.latency.p95,
          'overall p99 (ms)': load!.overall.latency.p99,
          'worst endpoint p95 (ms)': worst95.latency.p95,
          // A stability signal beside the overall figures, never averaged into them.
          'worst window p99 (ms)': worstWindowP99(load!),
        },
        rows: [...failing, ...rows.filter((r) => r.status === 'pass')],
        links: ['#endpoints', '#charts'],
      },
    };
  },
} satisfies Gate<VerifyContext>;

function worstWindowP99(load: NonNullable<VerifyContext['load']>): number | null {
  const values = load.windows.map((w) => w.p99).filter((v): v is number => v !== null);
  return values.length ? Math.max(...values) : null;
}

export default withMeasurementValidity(judged);
