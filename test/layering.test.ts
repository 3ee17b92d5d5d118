/**
 * The top-level folders form layers: a folder imports only folders below it, so none can reach
 * back into another that depends on it. The intended order, low to high:
 *
 *   model/       runtime-neutral data (routes, criteria, profiles, behaviour, RLS matrix); imports nothing,
 *                as k6 reads it too
 *   scenarios/   the journeys and their k6 adapter; model/ only, for the same reason
 *   lib/         Node helpers every command shares: config, errors, pg access, JWT signing, password
 *                hashing, the RLS probe
 *   engine/      the kit's load engine
 *   stack/       the local stack: cluster, PostgREST, the API server
 *   seed/        the seed engine (writes through stack/'s database helpers)
 *   drill/       the rollback drill (runs on a scratch copy of stack/'s database)
 *   verify/      gates and report (reads the drill's results)
 *   distribute/  k6-operator manifests
 *   bench/, scripts/  entry points: may use any folder above except test/
 *   test/        may import anything; nothing imports it
 *
 * Enforced here: no cycle between top-level folders (type-only imports count, since they couple
 * the folders' shapes just the same), and no import of test/ from outside it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.ts';

/** Generated output, dependencies and local state: not the kit's source. */
const NOT_SOURCE = new Set(['node_modules', 'reports']);

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || NOT_SOURCE.has(entry.name) ? [] : sourceFiles(full);
    return /\.m?ts$/.test(entry.name) ? [full] : [];
  });
}

const topFolder = (file: string): string => path.relative(repoRoot, file).split(path.sep)[0]!;

/** Every relative import (static, re-export, type-only or dynamic with a literal path) that leaves its top-level folder. */
function crossFolderImports(): Import[] {
  const folders = readdirSync(repoRoot, { withFileTypes: true }).filter(
    (entry) => entry.isDirectory() && !entry.name.startsWith('.') && !NOT_SOURCE.has(entry.name),
  );
  return folders.flatMap((folder) =>
    sourceFiles(path.join(repoRoot, folder.name)).flatMap((file) =>
      ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.map((imported) => imported.fileName)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => ({
          file: path.relative(repoRoot, file),
          specifier,
          from: folder.name,
          to: topFolder(path.resolve(path.dirname(file), specifier)),
        }))
        .filter((edge) => edge.to !== edge.from),
    ),
  );
}

/** Each cycle once, as the folders along it with one import per step, e.g. "verify -> drill -> verify". */
function folderCycles(imports: readonly Import[]): string[] {
  const example = new Map<string, Import>();
  const next = new Map<string, Set<string>>();
  for (const edge of imports) {
    example.set(`${edge.from}>${edge.to}`, example.get(`${edge.from}>${edge.to}`) ?? edge);
    next.set(edge.from, (next.get(edge.from) ?? new Set()).add(edge.to));
  }
  const cycles = new Map<string, string>();
  const walk = (trail: readonly string[]): void => {
    for (const to of next.get(trail.at(-1)!) ?? []) {
      const start = trail.indexOf(to);
      if (start >= 0) {
        const loop = [...trail.slice(start), to];
        // A cycle is found once from each of its folders: keep one, named from its smallest folder.
        const key = [...loop.slice(0, -1)].sort().join(',');
        const steps = loop.slice(1).map((folder, i) => {
          const edge = example.get(`${loop[i]}>${folder}`)!;
          return `${edge.file} imports ${edge.specifier}`;
        });
        if (!cycles.has(key)) cycles.set(key, `${loop.join(' -> ')} (${steps.join('; ')})`);
      } else {
        walk([...trail, to]);
      }
    }
  };
  for (const folder of next.keys()) walk([folder]);
  return [...cycles.values()];
}

describe('layering of the top-level folders', () => {
  const imports = crossFolderImports();

  it('finds the imports it checks', () => {
    // Guards the walk itself: an empty graph would pass every check below.
    expect(imports.some((edge) => edge.from === 'verify' && edge.to === 'lib')).toBe(true);
  });

  it('has no import cycle between top-level folders', () => {
    expect(folderCycles(imports)).toEqual([]);
  });

  it('imports nothing from test/ outside test/', () => {
    const reachingIntoTests = imports
      .filter((edge) => edge.to === 'test')
      .map((edge) => `${edge.file} imports ${edge.specifier}`);
    expect(reachingIntoTests).toEqual([]);
  });
});
