import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journeyNames, profileNames } from '../../model/profiles.ts';

const dir = (sub: string) => new URL(`../../scenarios/${sub}`, import.meta.url);
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('scenario files and the model agree', () => {
  it('has one journey file per journey, exporting the function its scenario executes', () => {
    const files = readdirSync(dir('journeys')).filter((f) => f.endsWith('.ts')).sort();
    expect(files).toEqual(journeyNames.map((j) => `${kebab(j)}.ts`).sort());
    for (const journey of journeyNames) {
      expect(readFileSync(dir(`journeys/${kebab(journey)}.ts`), 'utf8')).toMatch(new RegExp(`export function ${journey}\\(`));
      expect(readFileSync(dir('lib/entry.ts'), 'utf8')).toContain(`export { ${journey} } from '../journeys/${kebab(journey)}.ts';`);
    }
  });

  it('has one entry script per profile, each only choosing its profile', () => {
    const entries = readdirSync(dir('.')).filter((f) => f.endsWith('.ts')).sort();
    expect(entries).toEqual(profileNames.map((p) => `${p}.ts`).sort());
    for (const profile of profileNames) {
      const text = readFileSync(dir(`${profile}.ts`), 'utf8');
      expect(text).toContain(`defineRun('${profile}')`);
      expect(text).toContain(`export { setup, handleSummary, ${journeyNames.join(', ')} } from './lib/entry.ts';`);
    }
  });

  it('keeps actions to one verb-noun file each and never calls the newsletter signup', () => {
    for (const file of readdirSync(dir('actions'))) {
      expect(file).toMatch(/^[a-z]+(-[a-z]+)+\.ts$/);
      expect(readFileSync(dir(`actions/${file}`), 'utf8')).not.toMatch(/newsletter/i);
    }
  });
});
