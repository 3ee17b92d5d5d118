import { describe, expect, it } from 'vitest';
import {
  allowedDroppedIterations,
  defaultBaselineRates,
  type JourneyRates,
  journeyNames,
  PEAK_MULTIPLIER,
  planLoad,
  profileNames,
} from '../../model/profiles.ts';
import { successCriteria } from '../../model/slo.ts';
import { parseScenarioEnv } from '../../scenarios/lib/env.ts';
import { planFor } from '../../scenarios/lib/options.ts';

const custom: JourneyRates = {
  swipingUser: 7,
  returningUser: 3,
  anonymousBrowser: 11,
  networkPostback: 1,
  rlsProbe: 2,
};

describe('load profiles', () => {
  it('schedules peak at exactly 10x the baseline on every journey, for the default and a custom baseline', () => {
    for (const baselineRates of [defaultBaselineRates, custom]) {
      const baseline = planLoad({ profile: 'baseline', baselineRates });
      const peak = planLoad({ profile: 'peak', baselineRates });
      for (const journey of journeyNames) {
        expect(peak.peakRates[journey]).toBe(PEAK_MULTIPLIER * baseline.peakRates[journey]);
        const scenario = peak.scenarios[journey];
        expect(scenario?.executor).toBe('constant-arrival-rate');
        if (scenario?.executor === 'constant-arrival-rate') expect(scenario.rate).toBe(10 * baselineRates[journey]);
      }
    }
    expect(PEAK_MULTIPLIER).toBe(successCriteria.peakMultiplier);
  });

  it('reaches peak in the spike and goes past it in the stress profile, starting from the baseline', () => {
    const baseline = planLoad({ profile: 'baseline', baselineRates: custom });
    const spike = planLoad({ profile: 'spike', baselineRates: custom });
    const stress = planLoad({ profile: 'stress', baselineRates: custom });
    for (const journey of journeyNames) {
      expect(spike.peakRates[journey]).toBe(10 * baseline.peakRates[journey]);
      expect(stress.peakRates[journey]).toBeGreaterThan(10 * baseline.peakRates[journey]);
      const s = stress.scenarios[journey];
      expect(s?.executor === 'ramping-arrival-rate' && s.startRate).toBe(custom[journey]);
    }
  });

  it('uses open-model arrival-rate executors only, with pre-allocated VUs sized from the rate', () => {
    for (const profile of profileNames) {
      // planFor: the capacity profile's steps depend on the endpoints the journeys send
      const plan = planFor(
        profile,
        parseScenarioEnv({}, () => ''),
      );
      for (const scenario of Object.values(plan.scenarios)) {
        expect(['constant-arrival-rate', 'ramping-arrival-rate']).toContain(scenario.executor);
        expect(scenario.preAllocatedVUs).toBeGreaterThanOrEqual(1);
      }
    }
    const baseline = planLoad({ profile: 'baseline', baselineRates: defaultBaselineRates });
    const peak = planLoad({ profile: 'peak', baselineRates: defaultBaselineRates });
    expect(peak.scenarios.swipingUser!.preAllocatedVUs).toBeGreaterThan(
      5 * baseline.scenarios.swipingUser!.preAllocatedVUs,
    );
  });

  it('counts scheduled iterations as the area under the rate curve', () => {
    const peak = planLoad({ profile: 'peak', baselineRates: custom, durationSeconds: 120 });
    expect(peak.scheduledIterations.swipingUser).toBe(7 * 10 * 2);
    expect(peak.totalScheduledIterations).toBe((7 + 3 + 11 + 1 + 2) * 10 * 2);
    // ramp 1x→10x over 10 s then hold 10x for 10 s: (1+10)/2·10 + 10·10 = 155 "x-seconds"
    const spike = planLoad({ profile: 'spike', baselineRates: { ...custom, swipingUser: 60 } });
    expect(spike.scheduledIterations.swipingUser).toBe(60 + 55 + 600 + 55 + 60);
  });

  it('replaces the length with durationSeconds, scaling ramping stages in proportion', () => {
    expect(planLoad({ profile: 'soak', baselineRates: custom, durationSeconds: 30 }).durationSeconds).toBe(30);
    const stress = planLoad({ profile: 'stress', baselineRates: custom, durationSeconds: 60 });
    expect(stress.durationSeconds).toBeGreaterThanOrEqual(58);
    expect(stress.durationSeconds).toBeLessThanOrEqual(62);
  });

  it('leaves out journeys with rate 0 and keeps smoke on its own fixed rates, short', () => {
    const plan = planLoad({ profile: 'baseline', baselineRates: { ...custom, rlsProbe: 0 } });
    expect(plan.scenarios.rlsProbe).toBeUndefined();
    const smoke = planLoad({ profile: 'smoke', baselineRates: custom });
    expect(smoke.durationSeconds).toBeLessThanOrEqual(20);
    expect(smoke.baseRates).not.toEqual(custom);
  });

  it('allows dropped iterations up to 1% of those scheduled, rounded down', () => {
    const peak = planLoad({ profile: 'peak', baselineRates: defaultBaselineRates, durationSeconds: 600 });
    expect(allowedDroppedIterations(peak, 0.01)).toBe(Math.floor(peak.totalScheduledIterations / 100));
    expect(allowedDroppedIterations(planLoad({ profile: 'smoke', baselineRates: custom }), 0.01)).toBe(0);
  });
});
