/**
 * The version of an installed package as its own package.json says (`.` for the kit itself), so
 * records such as a seed run's `versions` never keep a copy of package.json that can drift.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.ts';

export function packageVersion(name: string): string | undefined {
  try {
    const file =
      name === '.' ? path.join(repoRoot, 'package.json') : path.join(repoRoot, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
