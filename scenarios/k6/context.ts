/**
 * k6's init-context state every entry script shares: the parsed settings, the seed manifest in
 * SharedArrays (one copy for all VUs), and the world the journeys read.
 *
 * Must know: runs in k6's init context (the only place `open()` works). A missing or broken
 * manifest does not stop the init: the problem is kept and setup() reports it before any load, so
 * `k6 inspect` works without a seed and the run fails with one clear sentence.
 */
import { SharedArray } from 'k6/data';
import { parseScenarioEnv, type ScenarioEnv } from '../lib/env.ts';
import {
  type Manifest,
  type ManifestAgedClick,
  type ManifestCategory,
  type ManifestProduct,
  type ManifestUser,
  parseManifest,
} from '../lib/manifest.ts';
import type { Target } from '../lib/requests.ts';
import type { ManifestState } from '../lib/setup.ts';

/** Files named by settings are relative to the repo root; open() resolves from this module (scenarios/k6/). */
function openFromRepo(file: string): string {
  return open(file.startsWith('/') ? file : `../../${file}`);
}

export const env: ScenarioEnv = parseScenarioEnv(__ENV, openFromRepo);

export const target: Target = { apiUrl: env.apiUrl, supabaseUrl: env.supabaseUrl, anonKey: env.anonKey };

let parsed: { manifest?: Manifest; problem?: string } | undefined;

/** Parsed once, in the init context of the first VU that builds the SharedArrays. */
function loadManifest(): { manifest?: Manifest; problem?: string } {
  if (parsed) return parsed;
  let text: string;
  try {
    text = openFromRepo(env.manifestPath);
  } catch (error) {
    parsed = {
      problem:
        `seed manifest ${env.manifestPath} cannot be read (${String(error)}); ` +
        'seed the target first (npm run seed) or point K6_MANIFEST at the manifest of the run to load',
    };
    return parsed;
  }
  try {
    parsed = { manifest: parseManifest(text, env.manifestPath) };
  } catch (error) {
    parsed = { problem: error instanceof Error ? error.message : String(error) };
  }
  return parsed;
}

const headerRows = new SharedArray<ManifestState>('manifest header', () => {
  const { manifest, problem } = loadManifest();
  return [
    manifest
      ? { header: { runId: manifest.runId, target: manifest.target, createdAt: manifest.createdAt } }
      : { problem: problem ?? 'unknown' },
  ];
});

export const users = new SharedArray<ManifestUser>('manifest users', () => [...(loadManifest().manifest?.users ?? [])]);
export const products = new SharedArray<ManifestProduct>('manifest products', () => [
  ...(loadManifest().manifest?.products ?? []),
]);
export const categories = new SharedArray<ManifestCategory>('manifest categories', () => [
  ...(loadManifest().manifest?.categories ?? []),
]);
export const agedClicks = new SharedArray<ManifestAgedClick>('manifest aged clicks', () => [
  ...(loadManifest().manifest?.agedClicks ?? []),
]);

/** The manifest's run and target, or why there is none. */
export const manifestState: ManifestState = headerRows[0] ?? { problem: 'manifest not loaded' };
