/**
 * The four k6-based gates on real k6 output: each passes on the good run, fails on the bad one and
 * says insufficient-data when its evidence is missing or damaged.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import { mergeCriteria } from '../../verify/criteria.ts';
import apiLatency from '../../verify/gates/api-latency.ts';
import availability from '../../verify/gates/availability.ts';
import degradation from '../../verify/gates/degradation.ts';
import loadDelivered from '../../verify/gates/load-delivered.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { busyMachineLatency, type Fixtures, loadContext, makeFixtures, OWN } from './support/fixtures.ts';

let fx: Fixtures;
let good: LoadEvidence;
let bad: LoadEvidence;
let truncated: LoadEvidence;
let baseline: LoadEvidence;

beforeAll(async () => {
  fx = await makeFixtures({ good2: false, baseline: true });
  [good, bad, baseline] = await Promise.all([
    readLoadEvidence([fx.good]),
    readLoadEvidence([fx.bad]),
    readLoadEvidence([fx.baseline]),
  ]);
  const cut = path.join(fx.root, 'cut');
  mkdirSync(cut);
  const raw = readFileSync(path.join(fx.good, 'k6-raw.json.gz'));
  writeFileSync(path.join(cut, 'k6-raw.json.gz'), raw.subarray(0, Math.floor(raw.length * 0.6)));
  copyFileSync(path.join(fx.good, 'load.json'), path.join(cut, 'load.json'));
  truncated = await readLoadEvidence([cut]);
});

afterAll(async () => fx?.cleanup());

describe('gate api-latency', () => {
  it('passes when every endpoint is under the p90 and p95 thresholds', async () => {
    const r = await apiLatency.run(loadContext(good, undefined, busyMachineLatency));
    expect(r.status).toBe('pass');
    expect(r.evidence.rows?.map((row) => row.endpoint)).toEqual(expect.arrayContaining(['page', OWN]));
  });
  it('fails naming the slow endpoint', async () => {
    const r = await apiLatency.run(loadContext(bad, undefined, busyMachineLatency));
    expect(r.status).toBe('fail');
    expect(r.evidence.summary).toContain('page');
    expect(r.evidence.rows?.[0]).toMatchObject({ endpoint: 'page' });
    expect(Number(r.evidence.rows?.[0]?.p95_ms)).toBeGreaterThanOrEqual(1500);
  });
  it("judges the checklist's own limits exactly: p90 < 100 ms and p95 < 200 ms, each against its own percentile", async () => {
    // The good run's evidence with one endpoint's percentiles set: the limits are strict (the
    // checklist says "<"), and p90 is held to 100 ms, p95 to 200 ms, never the other way round.
    const at = (p90: number, p95: number): LoadEvidence => ({
      ...good,
      endpoints: [
        { ...good.endpoints[0]!, name: 'page', latency: { ...good.endpoints[0]!.latency, p50: 1, p90, p95, p99: p95 } },
      ],
    });
    const status = async (p90: number, p95: number) => (await apiLatency.run(loadContext(at(p90, p95)))).status;
    expect(await status(99.9, 199.9)).toBe('pass');
    expect(await status(100, 150)).toBe('fail'); // at the p90 limit: not below it
    expect(await status(50, 200)).toBe('fail'); // at the p95 limit
    expect(await status(150, 150)).toBe('fail'); // p90 over 100 though under 200
    expect(await status(50, 150)).toBe('pass'); // p95 over 100 but under 200
    const r = await apiLatency.run(loadContext(at(100, 200)));
    expect(r.evidence.rows?.[0]).toMatchObject({ endpoint: 'page', p90_ms: 100, p95_ms: 200 });
    expect(r.threshold).toBe('per endpoint: p90 < 100 ms and p95 < 200 ms');
  });
  it('says insufficient-data without a run, and for truncated output naming the file', async () => {
    expect((await apiLatency.run(loadContext(undefined))).status).toBe('insufficient-data');
    const r = await apiLatency.run(loadContext(truncated));
    expect(r.status).toBe('insufficient-data');
    expect(r.evidence.summary).toMatch(/k6-raw\.json\.gz: the gzip stream is truncated after line \d+/);
  });
});

describe('gate availability', () => {
  it('passes with no failed requests and no auth failures', async () => {
    const r = await availability.run(loadContext(good));
    expect(r.status).toBe('pass');
    expect(r.evidence.figures?.failed).toBe(0);
  });
  it("fails on 500s and on 401s for a user's own resource, naming the endpoints", async () => {
    const r = await availability.run(loadContext(bad));
    expect(r.status).toBe('fail');
    const rows = new Map(r.evidence.rows?.map((row) => [row.endpoint, row]));
    expect(rows.get('broken')).toMatchObject({ statuses: expect.stringContaining('500×') });
    expect(Number(rows.get(OWN)?.auth_failures)).toBeGreaterThan(0);
    expect(r.evidence.figures?.['auth failures']).toBe(bad.counters.aclue_auth_failures);
  });
  it('says insufficient-data without a run or with damaged output', async () => {
    expect((await availability.run(loadContext(undefined))).status).toBe('insufficient-data');
    expect((await availability.run(loadContext(truncated))).status).toBe('insufficient-data');
  });
  it('reads missing evidence as not judged, never as zero: no checks, no own-resource request, no auth-failure counter', async () => {
    const noChecks: LoadEvidence = { ...good, checks: { passes: 0, fails: 0 } };
    const noOwn: LoadEvidence = { ...good, endpoints: good.endpoints.filter((e) => e.name !== OWN) };
    const undeclared: LoadEvidence = {
      ...good,
      sources: good.sources.map((s) => ({
        ...s,
        summaryMetrics: s.summaryMetrics?.filter((m) => m !== 'aclue_auth_failures'),
      })),
    };
    expect(good.sources[0]?.summaryMetrics).toContain('aclue_auth_failures');
    for (const [evidence, said] of [
      [noChecks, 'no checks recorded'],
      [noOwn, "no request to a user's own resource"],
      [undeclared, 'did not declare the aclue_auth_failures counter'],
    ] as const) {
      const r = await availability.run(loadContext(evidence));
      expect(r.status, said).toBe('insufficient-data');
      expect(r.evidence.summary).toContain(said);
    }
    // A failure found stays a failure whatever else is missing.
    const badNoChecks: LoadEvidence = { ...bad, checks: { passes: 0, fails: 0 } };
    expect((await availability.run(loadContext(badNoChecks))).status).toBe('fail');
  });
});

describe('gate load-delivered', () => {
  it('passes when the 10x schedule is delivered without drops', async () => {
    const r = await loadDelivered.run(loadContext(good));
    expect(r.status).toBe('pass');
    expect(good.iterations.dropped).toBe(0);
  });
  it('fails when iterations are dropped (too few VUs for a slow target)', async () => {
    const r = await loadDelivered.run(loadContext(bad));
    expect(bad.iterations.dropped).toBeGreaterThan(0);
    expect(r.status).toBe('fail');
    expect(r.evidence.summary).toContain('dropped');
  });
  it('fails when the schedule itself is less than 10x the baseline', async () => {
    const halfHearted: LoadEvidence = { ...good, iterations: { ...good.iterations, baselineRate: 5 } };
    const r = await loadDelivered.run(loadContext(halfHearted));
    expect(r.status).toBe('fail');
    expect(r.evidence.summary).toContain('4.00x the baseline');
  });
  it('fails when the load engine did not exit 0 (thresholds breached, aborted, killed), naming the code', async () => {
    const exited = (code: number | null, breached?: string[]): LoadEvidence => ({
      ...good,
      sources: good.sources.map((s) => ({
        ...s,
        load: { ...s.load, exitCode: code },
        ...(breached ? { breachedThresholds: breached } : {}),
      })),
    });
    const breached = await loadDelivered.run(loadContext(exited(99, ['checks rate>=0.999'])));
    expect(breached.status).toBe('fail');
    expect(breached.evidence.summary).toContain('exited 99 (thresholds breached); breached: checks rate>=0.999');
    const aborted = await loadDelivered.run(loadContext(exited(105)));
    expect(aborted.status).toBe('fail');
    expect(aborted.evidence.summary).toContain('exited 105 (aborted from outside)');
    expect((await loadDelivered.run(loadContext(exited(null)))).evidence.summary).toContain('was killed');
  });
  it("warns on a remote target when the baseline rates are the kit's defaults, not the target's own", async () => {
    const at = (targetUrl: string, baselineSource?: string): LoadEvidence => ({
      ...good,
      sources: good.sources.map((s) => ({
        ...s,
        load: { ...s.load, targetUrl, ...(baselineSource ? { baselineSource } : {}) },
      })),
    });
    const remote = await loadDelivered.run(loadContext(at('https://abc.supabase.co', 'default')));
    expect(remote.status).toBe('warn');
    expect(remote.evidence.summary).toContain("the baseline rates are the kit's defaults on https://abc.supabase.co");
    expect((await loadDelivered.run(loadContext(at('https://abc.supabase.co')))).status).toBe('warn');
    expect((await loadDelivered.run(loadContext(at('https://abc.supabase.co', 'K6_BASELINE_RATES')))).status).toBe(
      'pass',
    );
    expect((await loadDelivered.run(loadContext(at('http://127.0.0.1:54321', 'default')))).status).toBe('pass');
    expect((await loadDelivered.run(loadContext(at('http://localhost:54321', 'default')))).status).toBe('pass');
  });
  it('says insufficient-data when load.json does not state the schedule', async () => {
    const unscheduled: LoadEvidence = { ...good, iterations: { ...good.iterations, scheduled: undefined } };
    expect((await loadDelivered.run(loadContext(unscheduled))).status).toBe('insufficient-data');
    expect((await loadDelivered.run(loadContext(truncated))).status).toBe('insufficient-data');
  });
});

describe('gate degradation', () => {
  it('passes when peak p95 stays within 4x of a baseline-profile run of the same target', async () => {
    // The same instant endpoints at a fifth of the rate: the ratios stay far below 4 on a busy machine.
    const r = await degradation.run(loadContext(good, baseline));
    expect(r.status, r.evidence.summary).toBe('pass');
    expect(r.evidence.rows?.map((row) => row.status)).toEqual(['pass', 'pass']);
  });
  it('refuses as baseline the peak run itself, a run of another profile, or a run of another target', async () => {
    const itself = await degradation.run(loadContext(good, good));
    expect(itself.status).toBe('insufficient-data');
    expect(itself.evidence.summary).toContain('the baseline is the judged run itself');
    // Another peak run (the bad one) is no baseline either, whatever its numbers.
    const peakAsBaseline = await degradation.run(loadContext(good, bad));
    expect(peakAsBaseline.status).toBe('insufficient-data');
    expect(peakAsBaseline.evidence.summary).toContain('a "peak" run, not a run of the baseline profile');
    const elsewhere: LoadEvidence = {
      ...baseline,
      sources: baseline.sources.map((s) => ({ ...s, load: { ...s.load, targetUrl: 'https://abc.supabase.co' } })),
    };
    const other = await degradation.run(loadContext(good, elsewhere));
    expect(other.status).toBe('insufficient-data');
    expect(other.evidence.summary).toMatch(
      /the baseline ran against https:\/\/abc\.supabase\.co, the peak run against http:\/\/127\.0\.0\.1:\d+/,
    );
  });
  it('fails naming the endpoint whose p95 grew more than 4x', async () => {
    // The bad run is starved of VUs on purpose, so it completes only a few requests: compare them all.
    const context = loadContext(bad, baseline);
    const r = await degradation.run({ ...context, criteria: mergeCriteria({ degradationMinRequests: 1 }) });
    expect(r.status).toBe('fail');
    expect(r.evidence.rows?.[0]).toMatchObject({ endpoint: 'page', status: 'fail' });
    expect(r.evidence.summary).toContain(
      'Not judged, so the gate cannot pass for them: broken (no requests in the baseline)',
    );
  });
  it('judges only endpoints with enough requests in both runs, and names the others', async () => {
    const context = loadContext(good, baseline);
    const r = await degradation.run({ ...context, criteria: mergeCriteria({ degradationMinRequests: 1_000_000 }) });
    expect(r.status).toBe('insufficient-data');
    expect(r.evidence.summary).toContain('No endpoint of the peak run could be judged');
    expect(r.evidence.summary).toMatch(
      /page \(too few requests, \d+ in the baseline and \d+ at peak, of the 1000000 needed in each run\)/,
    );
    expect(r.evidence.rows?.map((row) => row.status)).toEqual(['insufficient-data', 'insufficient-data']);
  });
  it('says insufficient-data for a peak endpoint the baseline never sent, and names it', async () => {
    const withoutOwn: LoadEvidence = {
      ...baseline,
      endpoints: baseline.endpoints.filter((e) => e.name !== OWN),
    };
    const r = await degradation.run(loadContext(good, withoutOwn));
    expect(r.status).toBe('insufficient-data');
    expect(r.measured).toContain('1 endpoint(s) not judged');
    expect(r.evidence.summary).toContain(`${OWN} (no requests in the baseline)`);
    expect(r.evidence.rows).toContainEqual(
      expect.objectContaining({
        endpoint: OWN,
        status: 'insufficient-data',
        reason: 'no requests in the baseline',
      }),
    );
    expect(r.evidence.rows).toContainEqual(expect.objectContaining({ endpoint: 'page', status: 'pass' }));
  });
  it('says insufficient-data without a baseline', async () => {
    const r = await degradation.run(loadContext(good));
    expect(r.status).toBe('insufficient-data');
    expect(r.evidence.summary).toContain('--baseline');
  });
});
