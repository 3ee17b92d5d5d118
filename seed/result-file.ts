/**
 * What `npm run seed -- --result-file FILE` writes: the outcome as JSON, so a command that runs the
 * seed as a child process (the demo) reads it instead of parsing the seed's printed lines, which
 * are for people and may change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { TargetIdentity } from '../lib/target-identity.ts';

export type SeedResult =
  | {
      readonly kind: 'seeded';
      readonly runId: string;
      readonly manifest: string;
      /** The target seeded (lib/target-identity.ts). */
      readonly targetIdentity?: TargetIdentity;
    }
  | {
      readonly kind: 'runs';
      readonly runs: readonly { readonly runId: string; readonly seed: string; readonly status: string }[];
    };

export function writeSeedResult(file: string, result: SeedResult): void {
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** The result the seed wrote, of the kind the caller asked it for. */
export function readSeedResult<K extends SeedResult['kind']>(file: string, kind: K): Extract<SeedResult, { kind: K }> {
  const result = JSON.parse(readFileSync(file, 'utf8')) as SeedResult;
  if (result.kind !== kind) throw new Error(`${file}: expected a "${kind}" seed result, found "${result.kind}"`);
  return result as Extract<SeedResult, { kind: K }>;
}
