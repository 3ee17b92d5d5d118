import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, UsageError } from './errors.ts';
import { exec } from './exec.ts';

/** The k6 release the kit builds when none is installed; k6 2.x lives under the /v2 module path. */
export const K6_PINNED = { version: 'v2.2.0', module: 'go.k6.io/k6/v2' } as const;
export const K6_MIN_MAJOR = 1;

export interface K6Binary {
  readonly path: string;
  readonly version: string;
  readonly how: string;
}

const INSTALL_HINTS = [
  'Install k6 (1.0 or newer) in one of these ways, then run `npm run setup` again:',
  '  package manager: see https://grafana.com/docs/k6/latest/set-up/install-k6/ (apt, dnf, brew, winget)',
  '  Docker:          docker run --rm -i grafana/k6 run - <script.ts',
  `  Go (>= 1.25):    the kit builds ${K6_PINNED.module}@${K6_PINNED.version} itself when \`go\` is on PATH`,
  'or set K6_BIN to a k6 binary.',
];

/** Reads `k6 version` ("k6 v2.2.0 (commit/…, go1.26.8, linux/amd64)") and returns "2.2.0". */
export async function k6Version(bin: string): Promise<string | undefined> {
  const out = await exec(bin, ['version'], { timeoutMs: 30_000 });
  if (out.code !== 0) return undefined;
  return /v?(\d+\.\d+\.\d+)/.exec(out.stdout)?.[1];
}

function fits(version: string | undefined): version is string {
  return version !== undefined && Number(version.split('.')[0]) >= K6_MIN_MAJOR;
}

/**
 * Finds a k6 >= 1.0: K6_BIN, then k6 on PATH, then the kit's cache (keyed by version, outside the
 * repo, so every clone on the machine shares one build), and finally builds the pinned release with Go.
 */
export async function findOrBuildK6(options: {
  configured: string | undefined;
  cacheDir: string;
  log: (line: string) => void;
}): Promise<K6Binary> {
  if (options.configured) {
    const version = await k6Version(options.configured);
    if (!fits(version)) {
      throw new UsageError(
        `K6_BIN: ${options.configured} ${version ? `is k6 ${version}, older than ${K6_MIN_MAJOR}.0` : 'does not run as k6 (`k6 version` failed)'}`,
        ['Point K6_BIN at k6 1.0 or newer, or unset it to let the kit find or build one.'],
      );
    }
    return { path: options.configured, version, how: 'K6_BIN' };
  }
  const onPath = await exec('sh', ['-c', 'command -v k6']);
  if (onPath.code === 0) {
    const bin = onPath.stdout.trim();
    const version = await k6Version(bin);
    if (fits(version)) return { path: bin, version, how: 'PATH' };
    options.log(`k6 on PATH (${bin}) is ${version ?? 'unusable'}; looking further`);
  }
  const cached = path.join(options.cacheDir, 'k6', K6_PINNED.version, 'k6');
  if (existsSync(cached)) {
    const version = await k6Version(cached);
    if (fits(version)) return { path: cached, version, how: 'kit cache' };
  }
  const go = await exec('go', ['version']);
  if (go.code !== 0) throw new EnvironmentError('k6 not found, and Go is not installed to build it', INSTALL_HINTS);
  options.log(`building k6 ${K6_PINNED.version} with ${go.stdout.trim()} (a few minutes, once per machine)…`);
  await buildK6(cached);
  const version = await k6Version(cached);
  if (!fits(version)) throw new EnvironmentError(`built ${cached} but \`k6 version\` does not run`, INSTALL_HINTS);
  return { path: cached, version, how: `built with Go into ${path.dirname(cached)}` };
}

/**
 * Builds from a throwaway module that requires k6, instead of `go install k6@version`: the latter
 * also asks the module's origin host for deprecation notices, which fails where only the module
 * proxy is reachable.
 */
async function buildK6(target: string): Promise<void> {
  const dir = path.join(path.dirname(target), 'build');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'go.mod'),
    `module aclue-signoff/k6build\n\ngo 1.25\n\nrequire ${K6_PINNED.module} ${K6_PINNED.version}\n`,
  );
  const env = { ...process.env, GOFLAGS: '-mod=mod' }; // the child inherits the user's Go settings
  const download = await exec('go', ['mod', 'download', K6_PINNED.module], { cwd: dir, env });
  if (download.code !== 0) {
    throw new EnvironmentError(`could not download ${K6_PINNED.module}@${K6_PINNED.version}: ${lastLines(download.stderr)}`, INSTALL_HINTS);
  }
  const partial = `${target}.partial`;
  const build = await exec('go', ['build', '-trimpath', '-o', partial, K6_PINNED.module], { cwd: dir, env });
  if (build.code !== 0) throw new EnvironmentError(`building k6 failed: ${lastLines(build.stderr)}`, INSTALL_HINTS);
  renameSync(partial, target); // only a complete binary ever gets the final name
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}
