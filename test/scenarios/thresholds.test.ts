import { describe, expect, it } from 'vitest';
import { defaultBaselineRates, journeyNames, planLoad } from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { endpointsOf, journeyEndpoints } from '../../scenarios/lib/endpoints.ts';
import { buildOptions } from '../../scenarios/lib/options.ts';

describe('thresholds from the success criteria', () => {
  const plan = planLoad({ profile: 'peak', baselineRates: defaultBaselineRates, durationSeconds: 600 });
  const options = buildOptions(plan, successCriteria, 'k6');

  it('declares p90 < 100 ms and p95 < 200 ms for every endpoint the journeys send', () => {
    const endpoints = endpointsOf([...journeyNames]);
    expect(endpoints).toContain('swipe_create');
    expect(endpoints).toContain('rest_categories');
    expect(endpoints).toContain('affiliate_postback');
    for (const name of endpoints) {
      expect(options.thresholds[`http_req_duration{name:${name}}`]).toEqual(['p(90)<100', 'p(95)<200']);
      expect(options.thresholds[`http_req_failed{name:${name}}`]).toEqual([]);
    }
    expect(new Set(Object.values(journeyEndpoints).flat()).size).toBe(endpoints.length);
  });

  it('fails on 0.1% failed requests, any auth failure, any RLS leak (aborting) and 1% dropped iterations', () => {
    expect(options.thresholds.http_req_failed).toEqual(['rate<0.001']);
    expect(options.thresholds.aclue_auth_failures).toEqual(['count<=0']);
    expect(options.thresholds.aclue_rls_leaks).toEqual([{ threshold: 'count<=0', abortOnFail: true }]);
    expect(options.thresholds.dropped_iterations).toEqual([
      `count<=${Math.floor(plan.totalScheduledIterations * 0.01)}`,
    ]);
    const aborting = Object.entries(options.thresholds).filter(([, specs]) =>
      specs.some((s) => typeof s === 'object' && s.abortOnFail),
    );
    expect(aborting.map(([metric]) => metric)).toEqual(['aclue_rls_leaks']);
  });

  it('judges latency in every profile but smoke, which still reports it', () => {
    for (const profile of ['baseline', 'peak', 'stress', 'spike', 'soak'] as const) {
      const t = buildOptions(
        planLoad({ profile, baselineRates: defaultBaselineRates }),
        successCriteria,
        'k6',
      ).thresholds;
      expect(t['http_req_duration{name:swipe_create}']).toEqual(['p(90)<100', 'p(95)<200']);
    }
    const smoke = buildOptions(
      planLoad({ profile: 'smoke', baselineRates: defaultBaselineRates }),
      successCriteria,
      'k6',
    ).thresholds;
    expect(smoke['http_req_duration{name:swipe_create}']).toEqual([]);
    expect(smoke.aclue_rls_leaks).toEqual([{ threshold: 'count<=0', abortOnFail: true }]);
    expect(smoke.http_req_failed).toEqual(['rate<0.001']);
  });

  it('only declares endpoints of journeys that run, and keeps url out of the tags', () => {
    const onlyProbe = planLoad({
      profile: 'baseline',
      baselineRates: { swipingUser: 0, returningUser: 0, anonymousBrowser: 0, networkPostback: 0, rlsProbe: 6 },
    });
    const keys = Object.keys(buildOptions(onlyProbe, successCriteria, 'k6').thresholds).filter((k) =>
      k.startsWith('http_req_duration{'),
    );
    expect(keys).toEqual(journeyEndpoints.rlsProbe.map((n) => `http_req_duration{name:${n}}`));
    expect(options.systemTags).not.toContain('url');
    expect(options.systemTags).toContain('name');
    expect(options.summaryTrendStats).toEqual(expect.arrayContaining(['p(90)', 'p(95)', 'p(99)']));
  });
});
