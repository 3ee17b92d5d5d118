/**
 * Requests per endpoint as a plan schedules them, and the baseline's length: long enough that every
 * endpoint it sends reaches the degradation gate's minimum, at the baseline's own rates.
 */
import { describe, expect, it } from 'vitest';
import { defaultBaselineRates, type JourneyName, journeyNames, planLoad } from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { endpointsOf, plannedRequests } from '../../scenarios/lib/endpoints.ts';
import { parseScenarioEnv } from '../../scenarios/lib/env.ts';
import { loadMetadata } from '../../scenarios/lib/load-metadata.ts';
import { takesShare, timesTaken } from '../../scenarios/lib/mix.ts';
import { evidenceSeconds, lengthenedNote, planFor } from '../../scenarios/lib/options.ts';

const noFile = () => '';
const env = (vars: Record<string, string>) => parseScenarioEnv(vars, noFile);
const min = successCriteria.degradationMinRequests;

describe('planned requests per endpoint', () => {
  it('counts optional steps as takesShare takes them', () => {
    for (const [n, share] of [
      [24, 0.3],
      [12, 0.25],
      [1, 0.2],
      [97, 0.2],
      [0, 0.3],
    ] as const) {
      expect(timesTaken(n, share)).toBe(
        Array.from({ length: n }, (_, i) => takesShare(i, share)).filter(Boolean).length,
      );
    }
  });

  it("gives the demo's 30 s of baseline rates fewer than the minimum on the optional endpoints (the issue's case)", () => {
    const planned = plannedRequests(
      planLoad({ profile: 'baseline', baselineRates: defaultBaselineRates, durationSeconds: 30 }).scheduledIterations,
    );
    expect(planned).toMatchObject({
      swipe_create: 144,
      product_detail: 8,
      affiliate_click: 5 + 3,
      gift_link_create: 3,
      affiliate_postback: 3,
      rest_affiliate_clicks: 3,
    });
    expect(Object.keys(planned).sort()).toEqual(
      endpointsOf(['swipingUser', 'returningUser', 'anonymousBrowser', 'networkPostback', 'rlsProbe']).sort(),
    );
  });

  it('leaves out endpoints of journeys that do not run', () => {
    const planned = plannedRequests({
      swipingUser: 10,
      returningUser: 0,
      anonymousBrowser: 0,
      networkPostback: 0,
      rlsProbe: 0,
    });
    expect(Object.keys(planned).sort()).toEqual([
      'affiliate_click',
      'product_detail',
      'products_list',
      'swipe_create',
      'swipe_session_start',
    ]);
  });
});

describe('the baseline runs long enough to judge every endpoint', () => {
  it("lengthens the demo's 30 s baseline to the shortest length that gives every endpoint the minimum", () => {
    expect(evidenceSeconds(defaultBaselineRates, min)).toBe(191);
    const plan = planFor('baseline', env({ K6_PROFILE_DURATION: '30s' }));
    expect(plan.durationSeconds).toBe(191);
    expect(plan.scenarios.swipingUser).toMatchObject({ rate: 48, duration: '191s' }); // the 1x rates, not faster
    expect(Math.min(...Object.values(plannedRequests(plan.scheduledIterations)))).toBe(min);
    const shorter = plannedRequests(
      planLoad({ profile: 'baseline', baselineRates: defaultBaselineRates, durationSeconds: 190 }).scheduledIterations,
    );
    expect(Math.min(...Object.values(shorter))).toBeLessThan(min);
    expect(lengthenedNote(plan, 30)).toBe(
      `baseline: 191 s instead of 30 s, so every endpoint gets the ${min} requests the degradation gate needs to judge it (in 30 s gift_link_create would get 3)`,
    );
  });

  it('keeps a baseline that is long enough, and never lengthens another profile', () => {
    expect(planFor('baseline', env({})).durationSeconds).toBe(300);
    expect(lengthenedNote(planFor('baseline', env({})), undefined)).toBeUndefined();
    expect(planFor('peak', env({ K6_PROFILE_DURATION: '30s' })).durationSeconds).toBe(30);
    expect(planFor('smoke', env({ K6_PROFILE_DURATION: '5s' })).durationSeconds).toBe(5);
  });

  it('lengthens past the default 300 s when the baseline rates are low, and counts only journeys that run', () => {
    const slow = planFor('baseline', env({ K6_BASELINE_RATES: '{"networkPostback": 2}' }));
    expect(slow.durationSeconds).toBe(571); // 20 postbacks at 2 a minute: the first at once, then one every 30 s
    const onlyBrowsing = planFor(
      'baseline',
      env({
        K6_BASELINE_RATES:
          '{"swipingUser":0,"returningUser":0,"anonymousBrowser":120,"networkPostback":0,"rlsProbe":0}',
        K6_PROFILE_DURATION: '6s',
      }),
    );
    expect(onlyBrowsing.durationSeconds).toBe(10);
  });

  it("load.json records the planned requests per endpoint, scaled to an instance's part", () => {
    const plan = planFor('baseline', env({ K6_PROFILE_DURATION: '30s' }));
    const common = {
      plan,
      engine: { name: 'kit-engine', version: '0.1.0' },
      command: 'k6 run scenarios/baseline.ts',
      startedAt: new Date('2026-11-25T16:00:00Z'),
      finishedAt: new Date('2026-11-25T16:03:15Z'),
      exitCode: 0,
      targetUrl: 'http://127.0.0.1:54321',
      supabaseUrl: 'http://127.0.0.1:54321',
      seedRunId: 'run-1',
      baselineSource: 'default',
    } as const;
    const whole = loadMetadata(common);
    expect(whole.scheduled.requestsPerEndpoint).toEqual(plannedRequests(plan.scheduledIterations));
    expect(whole.scheduled.requestsPerEndpoint.product_detail).toBe(46);
    // An instance that runs 10 of the swiping journey's iterations sends their share of its requests.
    const part = {
      iterationsPerJourney: { ...only(0), swipingUser: 10 },
      rateShares: { ...only(0), swipingUser: 10 / plan.scheduledIterations.swipingUser },
    };
    const meta = loadMetadata({ ...common, instance: '1', share: 0.5, part });
    expect(meta.scheduled.iterations).toBe(10);
    expect(meta.scheduled.requestsPerEndpoint.product_detail).toBeCloseTo(
      (whole.scheduled.requestsPerEndpoint.product_detail! * 10) / plan.scheduledIterations.swipingUser,
      9,
    );
    expect(meta.scheduled.requestsPerEndpoint.rest_categories).toBeUndefined();
    expect(meta.baselineRates.returningUser).toBe(0);
  });
});

function only(n: number): Record<JourneyName, number> {
  return Object.fromEntries(journeyNames.map((j) => [j, n])) as Record<JourneyName, number>;
}
