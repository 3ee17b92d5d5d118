/**
 * Evidence belongs to its target: a load run or baseline whose load.json records another target's
 * identity is kept out of judgement by listing why on each of its sources, so every load gate says
 * insufficient-data through the one path it has for damaged evidence (verify/k6/gate-support.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { foreignEvidence, parseTargetIdentity, type TargetIdentity } from '../lib/target-identity.ts';
import type { LoadEvidence } from './context.ts';
import { readLoadInfo } from './k6/load-evidence.ts';

/** The evidence with a problem on every source made against another target; unchanged otherwise. */
export function refuseForeignLoad(
  load: LoadEvidence,
  what: string,
  current: TargetIdentity | undefined,
): { load: LoadEvidence; refusals: string[] } {
  const refusals: string[] = [];
  const sources = load.sources.map((source) => {
    const why = foreignEvidence(`${what} ${source.runDir}`, parseTargetIdentity(source.load?.targetIdentity), current);
    if (why === undefined) return source;
    refusals.push(why);
    return { ...source, problems: [why, ...source.problems] };
  });
  return { load: refusals.length === 0 ? load : { ...load, sources }, refusals };
}

/**
 * The newest `<prefix>*` folder under `dir` whose load.json records this target (or no target);
 * `skipped` lists the newer folders of other targets, so the caller can say why they were passed over.
 */
export function newestRunOfTarget(
  dir: string,
  prefix: string,
  current: TargetIdentity | undefined,
): { run: string | undefined; skipped: string[] } {
  if (!existsSync(dir)) return { run: undefined, skipped: [] };
  const runs = readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && statSync(path.join(dir, name)).isDirectory())
    .sort()
    .reverse();
  const skipped: string[] = [];
  for (const name of runs) {
    const run = path.join(dir, name);
    const recorded = parseTargetIdentity(readLoadInfo(run).info?.targetIdentity);
    if (foreignEvidence('run', recorded, current) === undefined) return { run, skipped };
    skipped.push(run);
  }
  return { run: undefined, skipped };
}
