/**
 * The degradation gate's comparison per endpoint: which statistic judges it (p95 with enough
 * requests, else the median) and why an endpoint is not judged. Synthetic figures; the gate on real
 * runs is in load-gates.test.ts and degradation-run.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { successCriteria } from '../../model/slo.ts';
import type { EndpointStats } from '../../verify/context.ts';
import { compareEndpoints } from '../../verify/gates/degradation.ts';

function endpoint(name: string, requests: number, p50: number, p95: number): EndpointStats {
  return {
    name,
    requests,
    failed: 0,
    errorRate: 0,
    statuses: {},
    latency: { count: requests, min: p50 / 2, p50, p90: p95, p95, p99: p95, max: p95, mean: p50 },
  };
}

describe('compareEndpoints', () => {
  it('compares p95s with enough requests in both runs, medians with fewer', () => {
    const peak = [endpoint('busy', 1500, 12, 40), endpoint('rare', 30, 270, 300)];
    const baseline = [endpoint('busy', 150, 10, 20), endpoint('rare', 25, 10, 120)];
    const [rare, busy] = compareEndpoints(peak, baseline, successCriteria);
    // rare: the baseline's p95 of 25 points is one slow request (120 ms); its median says 27x
    expect(rare).toMatchObject({
      endpoint: 'rare',
      judged: true,
      statistic: 'median',
      baselineMs: 10,
      peakMs: 270,
      ratio: 27,
      fails: true,
    });
    expect(busy).toMatchObject({ endpoint: 'busy', judged: true, statistic: 'p95', ratio: 2, fails: false });
  });

  it('names every peak endpoint it cannot judge, with the reason, between failures and passes', () => {
    const peak = [
      endpoint('ok', 200, 10, 20),
      endpoint('new', 50, 10, 20),
      endpoint('thin', 50, 10, 20),
      endpoint('slow', 200, 50, 100),
      endpoint('unsent', 0, 0, 0),
    ];
    const baseline = [endpoint('ok', 200, 10, 20), endpoint('thin', 8, 10, 20), endpoint('slow', 200, 10, 20)];
    const rows = compareEndpoints(peak, baseline, successCriteria);
    expect(rows.map((r) => [r.endpoint, r.judged && r.fails ? 'fail' : r.judged ? 'pass' : 'not judged'])).toEqual([
      ['slow', 'fail'],
      ['new', 'not judged'],
      ['thin', 'not judged'],
      ['ok', 'pass'],
    ]);
    expect(rows.find((r) => r.endpoint === 'new')).toMatchObject({ reason: 'no requests in the baseline' });
    expect(rows.find((r) => r.endpoint === 'thin')).toMatchObject({
      reason: 'too few requests, 8 in the baseline, of the 20 needed in each run',
    });
  });

  it('follows overridden thresholds', () => {
    const rows = compareEndpoints([endpoint('a', 30, 30, 60)], [endpoint('a', 30, 10, 20)], {
      maxDegradationRatio: 2,
      degradationMinRequests: 5,
      degradationP95MinRequests: 10,
    });
    expect(rows[0]).toMatchObject({ statistic: 'p95', ratio: 3, fails: true });
  });
});
