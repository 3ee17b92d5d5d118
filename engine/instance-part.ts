/**
 * What one instance of a split run schedules of the kit's load plan, by k6's arithmetic: the
 * arrivals its execution segment owns per journey and its share of each journey's rate. `npm run
 * load --instances N` records it in each instance's load.json, whichever engine ran.
 */
import { type JourneyName, journeyNames, type LoadPlan } from '../model/profiles.ts';
import type { InstancePart } from '../scenarios/lib/load-metadata.ts';
import { instanceSchedule } from './schedule.ts';
import type { Segment } from './segments.ts';

export function instancePart(plan: LoadPlan, segment: Segment): InstancePart {
  const iterationsPerJourney = {} as Record<JourneyName, number>;
  const rateShares = {} as Record<JourneyName, number>;
  for (const journey of journeyNames) {
    const scenario = plan.scenarios[journey];
    const schedule = scenario && instanceSchedule(scenario, segment);
    iterationsPerJourney[journey] = schedule?.times.length ?? 0;
    // The density of its stripes: the share of every arrival it starts, over any stretch of the run.
    rateShares[journey] = schedule ? schedule.numbers.owned.length / schedule.numbers.lcd : 0;
  }
  return { iterationsPerJourney, rateShares };
}
