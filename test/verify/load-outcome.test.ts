/**
 * What the load saw is judged: a run whose RLS probe is served another user's
 * rows. The old gates passed it (security never read the load, availability ignored failed checks,
 * the report did not show the engine's exit code); now security fails naming the endpoint and the
 * count, availability fails on the failed checks, and the report shows exit 99 and the breached
 * threshold.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import availability from '../../verify/gates/availability.ts';
import security from '../../verify/gates/security.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { renderHtml } from '../../verify/report/html.ts';
import { buildSummary } from '../../verify/report/summary.ts';
import { loadContext } from './support/fixtures.ts';
import { runLoad, startTestServer } from './support/load-run.ts';

let root: string;
let leaky: LoadEvidence;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kit-load-outcome-'));
  const server = await startTestServer();
  try {
    const dir = await runLoad(
      server,
      {
        profile: 'peak',
        instance: 'gen-1',
        scenarios: [
          {
            name: 'probe',
            rate: 10,
            seconds: 2,
            requests: [
              { path: '/fast', name: 'page' },
              { path: '/others', name: 'rest_affiliate_clicks', leaks: true },
            ],
          },
        ],
        baselineRates: { probe: 1 },
        thresholds: { aclue_rls_leaks: ['count<=0'] },
      },
      root,
    );
    leaky = await readLoadEvidence([dir]);
  } finally {
    await server.stop();
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a leak counted under load', () => {
  it('is split by endpoint in the evidence, with the exit code and breached threshold of the run', () => {
    expect(leaky.counters['aclue_rls_leaks']).toBeGreaterThan(0);
    expect(leaky.rlsLeaksByEndpoint).toEqual({ rest_affiliate_clicks: leaky.counters['aclue_rls_leaks'] });
    expect(leaky.sources[0]?.load?.exitCode).toBe(99);
    expect(leaky.sources[0]?.breachedThresholds).toEqual(['aclue_rls_leaks count<=0']);
  });

  it('fails security at error level, naming the endpoint and the count, even without a database', async () => {
    const r = await security.run(loadContext(leaky));
    expect(r.status).toBe('fail');
    expect(r.level).toBe('error');
    const count = leaky.counters['aclue_rls_leaks'];
    expect(r.evidence.rows).toContainEqual({ check: 'load_rls_leak', endpoint: 'rest_affiliate_clicks', leaks: count });
    expect(r.evidence.summary).toContain(`${count} RLS leaks under load (rest_affiliate_clicks ${count})`);
  });

  it('fails availability on the failed checks although every request answered 200', async () => {
    const r = await availability.run(loadContext(leaky));
    expect(leaky.overall.failed).toBe(0);
    expect(r.status).toBe('fail');
    expect(r.evidence.summary).toMatch(/of checks failed \(\d+ of \d+\)/);
  });

  it('shows the exit code and the breached threshold in the report', async () => {
    const results = [await security.run(loadContext(leaky)), await availability.run(loadContext(leaky))];
    const summary = buildSummary({
      runId: 'leaky',
      outDir: root,
      verdict: 'NO-GO',
      results,
      load: leaky,
      baseline: undefined,
      generatedAt: '2026-01-01T00:00:00Z',
      reproducibility: { seedRunIds: [], loadRunDirs: [], criteria: {}, versions: {}, commands: [] },
    });
    const html = renderHtml(summary, { uplotCss: '', uplotJs: '' });
    expect(html).toMatch(
      /<div id="load-outcome">.*instance gen-1: exit code 99; breached: <code>aclue_rls_leaks count&lt;=0<\/code>/s,
    );
  });
});
