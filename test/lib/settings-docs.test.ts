/**
 * The settings' documentation is held in step with their declarations in lib/config.ts:
 * `.env.example` and the README's settings table are exactly what the declarations give
 * (`npm run docs` writes both).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceBetweenMarkers } from '../../lib/cli.ts';
import { describeSettings, renderEnvExample, renderSettingsTable } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('settings documentation', () => {
  it('.env.example is generated from the declarations (run `npm run docs` after changing them)', () => {
    expect(readFileSync(path.join(repoRoot, '.env.example'), 'utf8')).toBe(renderEnvExample());
  });

  it("the README's settings table is generated from the declarations (run `npm run docs` after changing them)", () => {
    expect(readme).toBe(replaceBetweenMarkers(readme, 'settings', renderSettingsTable()));
  });

  it("the settings table has one row per setting, in the README's Configuration section", () => {
    const configuration = /^## Configuration\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    expect(configuration).toContain('<!-- settings:start -->');
    const rows = renderSettingsTable().split('\n').slice(2);
    expect(rows.map((row) => /^\| `(\w+)` \| `--([\w-]+)` \|/.exec(row)?.slice(1))).toEqual(
      expect.arrayContaining(describeSettings().map((s) => [s.name, s.flag])),
    );
    expect(rows).toHaveLength(describeSettings().length);
  });

  it('.env.example drops the backquotes that mark code in a meaning', () => {
    expect(renderEnvExample()).not.toContain('`auto`');
    expect(renderEnvExample()).toContain('What runs the load journeys: auto (k6 when found');
  });
});
