import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journeyNames, profileNames } from '../../model/profiles.ts';
import { journeys } from '../../scenarios/journeys/index.ts';

const dir = (sub: string) => new URL(`../../scenarios/${sub}`, import.meta.url);
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const tsFiles = (sub: string) =>
  readdirSync(dir(sub), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

describe('scenario files and the model agree', () => {
  it('has one journey file per journey, exporting the function its scenario executes', () => {
    const files = tsFiles('journeys')
      .filter((f) => f !== 'index.ts')
      .sort();
    expect(files).toEqual(journeyNames.map((j) => `${kebab(j)}.ts`).sort());
    for (const journey of journeyNames) {
      expect(readFileSync(dir(`journeys/${kebab(journey)}.ts`), 'utf8')).toMatch(
        new RegExp(`export async function ${journey}\\(`),
      );
      expect(journeys[journey].name).toBe(journey);
      expect(readFileSync(dir('k6/entry.ts'), 'utf8')).toContain(`export const ${journey} = iterate('${journey}');`);
    }
  });

  it('has one entry script per profile, each only choosing its profile', () => {
    const entries = readdirSync(dir('.'))
      .filter((f) => f.endsWith('.ts'))
      .sort();
    expect(entries).toEqual(profileNames.map((p) => `${p}.ts`).sort());
    for (const profile of profileNames) {
      const text = readFileSync(dir(`${profile}.ts`), 'utf8');
      expect(text).toContain(`defineRun('${profile}')`);
      const exported = /export \{([^}]*)\} from '\.\/k6\/entry\.ts';/.exec(text)?.[1];
      expect(
        exported
          ?.split(',')
          .map((name) => name.trim())
          .filter(Boolean)
          .sort(),
      ).toEqual(['setup', 'handleSummary', ...journeyNames].sort());
    }
  });

  it('keeps journeys, actions and the shared library runtime-neutral: no k6/* and no node:* import', () => {
    for (const sub of ['journeys', 'actions', 'lib']) {
      for (const file of tsFiles(sub)) {
        // Code lines only: comments may name what the code must not touch.
        const text = readFileSync(dir(`${sub}/${file}`), 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line))
          .join('\n');
        expect(text, `${sub}/${file}`).not.toMatch(/from ['"](k6|node:)/);
        expect(text, `${sub}/${file}`).not.toMatch(/\b(__ENV|process\.env|open\()/);
      }
    }
  });

  it('keeps actions to one verb-noun file each and never calls the newsletter signup', () => {
    for (const file of readdirSync(dir('actions'))) {
      expect(file).toMatch(/^[a-z]+(-[a-z]+)+\.ts$/);
      expect(readFileSync(dir(`actions/${file}`), 'utf8')).not.toMatch(/newsletter/i);
    }
  });
});
