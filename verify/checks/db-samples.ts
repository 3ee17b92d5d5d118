/** Finds and reads the connection samples the load command stored beside its k6 output. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadEvidence } from '../context.ts';
import type { Samples } from '../sampler.ts';
import { DB_SAMPLES_FILE } from '../sampler.ts';

export interface FoundSamples {
  readonly file: string;
  readonly samples: Samples;
}

/** Samples of every instance of the run (each instance samples the same server, so the worst counts). */
export function readDbSamples(load: LoadEvidence | undefined): { found: FoundSamples[]; problems: string[] } {
  const found: FoundSamples[] = [];
  const problems: string[] = [];
  const dirs = [...new Set((load?.sources ?? []).map((s) => s.runDir))];
  for (const dir of dirs) {
    const file = path.join(dir, DB_SAMPLES_FILE);
    if (!existsSync(file)) continue;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Samples>;
      if (parsed.version !== 1 || !Array.isArray(parsed.samples) || typeof parsed.maxConnections !== 'number') {
        problems.push(`${file}: not a version 1 connection-sample file`);
        continue;
      }
      if (parsed.samples.length === 0) {
        problems.push(`${file}: holds no samples (every reading failed: ${parsed.errors ?? '?'} errors)`);
        continue;
      }
      found.push({ file, samples: parsed as Samples });
    } catch (error) {
      problems.push(`${file}: cannot be read as JSON (${(error as Error).message})`);
    }
  }
  return { found, problems };
}
