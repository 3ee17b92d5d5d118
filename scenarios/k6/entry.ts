/**
 * What every k6 entry script exports besides its options: setup(), handleSummary() and one
 * function per journey (each the `exec` of its scenario), all over the runtime-neutral journeys.
 */
import exec from 'k6/execution';
import type { JourneyName } from '../../model/profiles.ts';
import { journeys } from '../journeys/index.ts';
import { setup as probeTarget, type SetupData } from '../lib/setup.ts';
import { type SummaryInput, summaryOutputs } from '../lib/summary.ts';
import { manifestState } from './context.ts';
import { plan, world } from './run.ts';
import { k6Runtime } from './runtime.ts';

export function setup(): Promise<SetupData> {
  return probeTarget(k6Runtime, world, manifestState);
}

export function handleSummary(data: SummaryInput): Record<string, string> {
  return summaryOutputs(data, { plan, env: world.env, seedRunId: manifestState.header?.runId, engine: 'k6' });
}

function iterate(journey: JourneyName): (data: SetupData) => Promise<void> {
  return (data) =>
    journeys[journey]({
      rt: k6Runtime,
      world,
      number: exec.scenario.iterationInTest,
      vuId: exec.vu.idInTest,
      setup: data,
    });
}

export const swipingUser = iterate('swipingUser');
export const returningUser = iterate('returningUser');
export const anonymousBrowser = iterate('anonymousBrowser');
export const networkPostback = iterate('networkPostback');
export const rlsProbe = iterate('rlsProbe');
