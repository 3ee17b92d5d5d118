/**
 * The journeys on the kit's engine against a local stack that issues keys and tokens the new way
 * (publishable and secret keys, ES256 access tokens): the seed mints its users' tokens with the
 * stack's ES256 key, the journeys send the publishable key as `apikey` (and as the bearer of
 * anonymous Data API calls, as supabase-js does), and PostgREST, the App API and Auth accept them.
 * The journeys are one source for both runtimes (scenarios/lib/requests.ts), so k6 sends the same.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allChecks, type SummaryData, thresholdResults } from '../../scenarios/lib/summary-text.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';
import { runEngineCli } from './support/engine.ts';

let seeded: SeededStack;

beforeAll(async () => {
  seeded = await startSeededStack('new-keys', 12, 'new');
});

afterAll(() => seeded?.stop());

function smoke(name: string, env: Record<string, string>) {
  const dir = path.join(seeded.tmp, name);
  return {
    dir,
    run: runEngineCli(['run', '--quiet', `scenarios/smoke.ts`], {
      K6_API_URL: seeded.stack.url,
      K6_MANIFEST: seeded.manifestFile,
      K6_POSTBACK_SECRET: seeded.stack.postbackSecret,
      K6_SUMMARY_DIR: dir,
      ...env,
    }),
  };
}

describe('the journeys with a publishable key and ES256 user tokens', () => {
  it('seeds ES256 tokens the stack accepts', () => {
    const manifest = JSON.parse(readFileSync(seeded.manifestFile, 'utf8')) as { users: { accessToken: string }[] };
    const header = JSON.parse(Buffer.from(manifest.users[0]!.accessToken.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: seeded.stack.keys.signer.kid });
  });

  it('smoke: exit 0 and every check passes', async () => {
    const { dir, run } = smoke('smoke', { K6_ANON_KEY: seeded.stack.anonKey });
    const result = await run;
    const text = readFileSync(path.join(dir, 'k6-summary.txt'), 'utf8');
    expect(result.stderr.trim(), text).toBe('');
    expect(result.code, text).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'k6-summary.json'), 'utf8')) as SummaryData;
    expect(thresholdResults(summary).filter((t) => !t.ok)).toEqual([]);
    const checks = allChecks(summary.root_group);
    expect(checks.length).toBeGreaterThanOrEqual(15);
    expect(checks.filter((c) => c.fails > 0)).toEqual([]);
    expect(summary.metrics['http_req_duration{name:rest_categories}']?.values.count).toBeGreaterThan(0);
  });

  it('the legacy anon key (the scenarios default) is refused before any load', async () => {
    const result = await smoke('legacy-key', {}).run;
    expect(result.code).toBe(107);
    expect(result.stderr).toMatch(
      /the Data API refused K6_ANON_KEY \(GET .* answered 401: "Invalid API key"\); set K6_ANON_KEY to the project's publishable key/,
    );
  });
});
