/** The engine's version is the kit's: it ships in the kit and changes with it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../lib/paths.ts';

export const ENGINE_VERSION = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;
