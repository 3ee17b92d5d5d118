/**
 * Finds the user's own k6, which is optional: without it the kit's engine runs the same journeys.
 * The kit never builds, downloads or ships k6 (AGPL-3.0); a person installs it from Grafana's
 * packages and the kit uses it through `K6_BIN` or PATH.
 */
import { UsageError } from './errors.ts';
import { exec } from './exec.ts';

export const K6_MIN_MAJOR = 1;

export interface K6Binary {
  readonly path: string;
  readonly version: string;
  readonly how: 'K6_BIN' | 'PATH';
}

/** Where a person gets k6; printed whenever k6 was asked for and is missing. */
export const K6_INSTALL_HINT =
  "install k6 (1.0 or newer) from Grafana's packages (grafana.com/docs/k6/latest/set-up/install-k6), or set K6_BIN to a k6 binary";

/** Reads `k6 version` ("k6 v2.2.0 (commit/…, go1.26.8, linux/amd64)") and returns "2.2.0". */
export async function k6Version(bin: string): Promise<string | undefined> {
  const out = await exec(bin, ['version'], { timeoutMs: 30_000 });
  if (out.code !== 0) return undefined;
  return /v?(\d+\.\d+\.\d+)/.exec(out.stdout)?.[1];
}

/**
 * K6_BIN (which must then be a k6 >= 1.0: a wrong setting is an error, not a silent fallback), else
 * k6 on PATH; undefined when there is none (or only an older one, which `note` explains).
 */
export async function findK6(
  configured: string | undefined,
  note: (line: string) => void = () => undefined,
): Promise<K6Binary | undefined> {
  if (configured) {
    const version = await k6Version(configured);
    if (!fits(version)) {
      throw new UsageError(
        `K6_BIN: ${configured} ${version ? `is k6 ${version}, older than ${K6_MIN_MAJOR}.0` : 'does not run as k6 (`k6 version` failed)'}`,
        ["Point K6_BIN at k6 1.0 or newer, or unset it (the kit's engine runs the journeys without k6)."],
      );
    }
    return { path: configured, version, how: 'K6_BIN' };
  }
  const onPath = await exec('sh', ['-c', 'command -v k6']);
  if (onPath.code !== 0) return undefined;
  const bin = onPath.stdout.trim();
  const version = await k6Version(bin);
  if (fits(version)) return { path: bin, version, how: 'PATH' };
  note(`k6 on PATH (${bin}) is ${version ?? 'unusable'}, older than ${K6_MIN_MAJOR}.0: not used`);
  return undefined;
}

function fits(version: string | undefined): version is string {
  return version !== undefined && Number(version.split('.')[0]) >= K6_MIN_MAJOR;
}
