/**
 * The kit's journeys as a script for the engine: the same parts `scenarios/<profile>.ts` gives k6
 * (options from the profile, setup() probing the target, one function per journey, the summary
 * files), built from the same runtime-neutral modules. Only how the manifest is read differs: a
 * file read here, SharedArrays in k6.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileName } from '../model/profiles.ts';
import { successCriteria } from '../model/slo.ts';
import { journeys } from '../scenarios/journeys/index.ts';
import type { ScenarioEnv } from '../scenarios/lib/env.ts';
import { type Manifest, parseManifest } from '../scenarios/lib/manifest.ts';
import { customMetricNames, customMetrics } from '../scenarios/lib/metrics.ts';
import { buildOptions, planFor } from '../scenarios/lib/options.ts';
import type { World } from '../scenarios/lib/runtime.ts';
import { type ManifestState, type SetupData, setup } from '../scenarios/lib/setup.ts';
import { type SummaryInput, summaryOutputs } from '../scenarios/lib/summary.ts';
import type { MetricSpec } from './metrics.ts';
import { ENGINE_NAME, type EngineScript } from './run.ts';

/** `root` resolves relative settings (the manifest path) as k6's entry scripts do: from the repo root. */
export function kitScript(profile: ProfileName, env: ScenarioEnv, root: string): EngineScript<SetupData> {
  const plan = planFor(profile, env);
  const { manifest, state } = readManifest(env, root);
  const world: World = {
    env,
    target: { apiUrl: env.apiUrl, supabaseUrl: env.supabaseUrl, anonKey: env.anonKey },
    plan,
    users: manifest?.users ?? [],
    products: manifest?.products ?? [],
    categories: manifest?.categories ?? [],
    agedClicks: manifest?.agedClicks ?? [],
  };
  const exec = Object.fromEntries(
    Object.entries(journeys).map(([name, journey]) => [
      name,
      (rt: Parameters<typeof journey>[0]['rt'], it: { number: number; vuId: number }, data: SetupData) =>
        journey({ rt, world, number: it.number, vuId: it.vuId, setup: data }),
    ]),
  );
  return {
    options: buildOptions(plan, successCriteria, ENGINE_NAME),
    customMetrics: customMetricNames.map(
      (name): MetricSpec => ({
        name,
        type: customMetrics[name].type,
        contains: customMetrics[name].isTime ? 'time' : 'default',
      }),
    ),
    setup: (rt) => setup(rt, world, state),
    exec,
    handleSummary: (data) =>
      summaryOutputs(data as SummaryInput, { plan, env, seedRunId: state.header?.runId, engine: ENGINE_NAME }),
  };
}

/** The manifest, or the sentence setup() stops the run with (so a missing seed fails like in k6). */
function readManifest(env: ScenarioEnv, root: string): { manifest?: Manifest; state: ManifestState } {
  let text: string;
  try {
    text = readFileSync(path.resolve(root, env.manifestPath), 'utf8');
  } catch (error) {
    return {
      state: {
        problem:
          `seed manifest ${env.manifestPath} cannot be read (${error instanceof Error ? error.message : String(error)}); ` +
          'seed the target first (npm run seed) or point K6_MANIFEST at the manifest of the run to load',
      },
    };
  }
  try {
    const manifest = parseManifest(text, env.manifestPath);
    return {
      manifest,
      state: { header: { runId: manifest.runId, target: manifest.target, createdAt: manifest.createdAt } },
    };
  } catch (error) {
    return { state: { problem: error instanceof Error ? error.message : String(error) } };
  }
}
