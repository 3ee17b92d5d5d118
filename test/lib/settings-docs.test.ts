/**
 * The settings' documentation is held in step with their declarations in lib/config.ts:
 * `.env.example` is exactly what the declarations give, and the README's settings table names
 * every setting with its flag.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSettings, renderEnvExample } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const configurationSection = /^## Configuration\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';

describe('settings documentation', () => {
  it('.env.example is generated from the declarations (run `npm run docs` after changing them)', () => {
    expect(readFileSync(path.join(repoRoot, '.env.example'), 'utf8')).toBe(renderEnvExample());
  });

  it.each(describeSettings().map((s) => [s.name, s.flag]))(
    "the README's settings table lists %s with --%s",
    (name, flag) => {
      expect(configurationSection).toContain(`\`${name}\``);
      expect(configurationSection).toContain(`\`--${flag}\``);
    },
  );
});
