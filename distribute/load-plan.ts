/**
 * The `load.json` of each runner of a k8s run, written by distribute from the same plan a local
 * `npm run load -- <profile> --instances N` uses (scenarios/lib/load-metadata.ts), so verify judges
 * both alike. What only the cluster knows (start and end, the runner's exit code) is left null and
 * filled in by collect.sh from the runner's pod.
 */
import { instancePart } from '../engine/instance-part.ts';
import { parseSegment } from '../engine/segments.ts';
import type { LoadPlan } from '../model/profiles.ts';
import type { ScenarioEnv } from '../scenarios/lib/env.ts';
import { loadMetadata, shellLine } from '../scenarios/lib/load-metadata.ts';
import { SCRIPT_FILE, SCRIPT_MOUNT } from './k8s.ts';

/** The fields collect.sh fills in, each written as `"<field>": null` in the template. */
export interface RunnerLoadInput {
  readonly plan: LoadPlan;
  readonly env: ScenarioEnv;
  readonly parallelism: number;
  readonly image: string;
  readonly seedRunId: string | undefined;
  /** The runners' `k6 run` words before the operator's own (distribute/k8s.ts runnerArguments). */
  readonly args: readonly string[];
  /** Settings as the command shows them (secrets masked). */
  readonly shownSettings: Readonly<Record<string, string>>;
}

/** The target a k8s run records, in one place: the same fields a local run writes. */
function loadTarget(env: ScenarioEnv): { targetUrl: string; supabaseUrl: string } {
  return { targetUrl: env.apiUrl, supabaseUrl: env.supabaseUrl };
}

/** The VUs k6 sizes the run with (`k6 inspect`): every scenario starts at once, so their VUs add up. */
export function totalVUs(plan: LoadPlan): number {
  return Object.values(plan.scenarios).reduce((sum, s) => sum + (s?.preAllocatedVUs ?? 0), 0);
}

/** The version a k6 image runs: its tag (grafana/k6:2.2.0 -> 2.2.0), or the image itself without one. */
function imageVersion(image: string): string {
  const tag = /:([^/:@]+)$/.exec(image.split('@')[0] ?? image)?.[1];
  return tag ?? image;
}

/** One load.json text per runner, runner i (1..N) at index i-1. */
export function runnerLoadFiles(input: RunnerLoadInput): string[] {
  const n = input.parallelism;
  const point = (i: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
  const sequence = Array.from({ length: n + 1 }, (_, i) => point(i)).join(',');
  return Array.from({ length: n }, (_, i) => {
    // The command the operator gives runner i+1, as one would type it.
    const segment =
      n > 1 ? ['--execution-segment', `${point(i)}:${point(i + 1)}`, '--execution-segment-sequence', sequence] : [];
    const command = shellLine(input.shownSettings, [
      'k6',
      'run',
      ...segment,
      ...input.args,
      `${SCRIPT_MOUNT}/${SCRIPT_FILE}`,
      '--tag',
      `instance_id=${i + 1}`,
    ]);
    const metadata = loadMetadata({
      plan: input.plan,
      engine: { name: 'k6', version: imageVersion(input.image) },
      command,
      startedAt: new Date(0),
      finishedAt: new Date(0),
      exitCode: null,
      ...loadTarget(input.env),
      seedRunId: input.seedRunId,
      baselineSource: input.env.baselineSource,
      ...(n > 1
        ? {
            instance: String(i + 1),
            share: 1 / n,
            part: instancePart(input.plan, parseSegment(`${point(i)}:${point(i + 1)}`, sequence)),
          }
        : {}),
    });
    const template = { ...metadata, startedAt: null, finishedAt: null, exitCode: null };
    return `${JSON.stringify(template, null, 2)}\n`;
  });
}
