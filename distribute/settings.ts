/**
 * The scenario settings (`K6_*`, scenarios/lib/env.ts) as the runners' environment. A runner sees
 * only the files of its ConfigMap, so a setting that names a file on this machine is passed by value.
 */
import { type Env, type ScenarioEnv, scenarioSettings } from '../scenarios/lib/env.ts';

export interface RunnerSettings {
  /** Variable name to value, for every setting given here. */
  readonly env: Readonly<Record<string, string>>;
  /** The names in `env` that are secrets (keys), kept out of pods that do not send requests. */
  readonly secretNames: ReadonlySet<string>;
}

/**
 * @param given the environment the settings were parsed from (process.env)
 * @param parsed the same, parsed (the baseline file is already read into `baselineRates`)
 */
export function runnerSettings(given: Env, parsed: ScenarioEnv): RunnerSettings {
  const env: Record<string, string> = {};
  const secretNames = new Set<string>();
  for (const { name, secret } of scenarioSettings) {
    const value = given[name];
    if (value === undefined || value.trim() === '') continue;
    env[name] = value;
    if (secret) secretNames.add(name);
  }
  // K6_MANIFEST points at the ConfigMap's copy (distribute/k8s.ts), not at this machine's file.
  delete env.K6_MANIFEST;
  if (parsed.baselineSource === 'K6_BASELINE_FILE') {
    delete env.K6_BASELINE_FILE;
    env.K6_BASELINE_RATES = JSON.stringify(parsed.baselineRates);
  }
  return { env, secretNames };
}
