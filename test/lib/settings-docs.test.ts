/** Every setting the config module knows is documented in .env.example and in the README's settings. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSettings } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';

const example = readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

describe('settings documentation', () => {
  it.each(describeSettings().map((s) => [s.name]))('%s is in .env.example', (name) => {
    expect(documented.has(name)).toBe(true);
  });

  it('.env.example names no setting the kit does not read', () => {
    const known = new Set(describeSettings().map((s) => s.name));
    expect([...documented].filter((name) => !known.has(name as never))).toEqual([]);
  });
});
