/**
 * The report end to end: `npm run verify` on real k6 runs writes index.html, summary.json and
 * junit.xml with the right exit code; the HTML opens in headless Chromium offline, draws its charts,
 * logs no error, requests nothing beyond its own file, and escapes whatever the gates report.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { readReportAssets } from '../../verify/report/assets.ts';
import { buildSummary } from '../../verify/report/summary.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { writeReport } from '../../verify/report/write.ts';
import { loadGates, runGates, verdictOf } from '../../verify/run.ts';
import { freePort } from '../support/ports.ts';
import { busyMachineLatency, loadContext, makeFixtures, type Fixtures } from './support/fixtures.ts';

let fx: Fixtures;
/** Free port for the API setting: no stack answers there, so API-probing gates cannot see another stack. */
let apiPort: number;
/** A port nothing listens on: the database gates must answer insufficient-data, not crash. */
const UNREACHABLE_DB = 'postgresql://postgres:postgres@127.0.0.1:9/postgres';
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

function verify(args: string[]) {
  return exec(tsx, [path.join(repoRoot, 'scripts', 'verify.ts'), '--database-url', UNREACHABLE_DB, '--api-port', String(apiPort), ...args], {
    cwd: repoRoot,
    env: { ...process.env, KIT_CRITERIA_FILE: '' },
    timeoutMs: 120_000,
  });
}

beforeAll(async () => {
  [fx, apiPort] = await Promise.all([makeFixtures({ good2: false }), freePort()]);
});
afterAll(async () => fx?.cleanup());

describe('npm run verify', () => {
  it('NO-GO on the bad run: exit 1, the three files, the failing gates named', async () => {
    const out = path.join(fx.root, 'report-bad');
    const r = await verify(['--run', fx.bad, '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('verdict: NO-GO');
    expect(r.stdout).toContain(path.join(out, 'index.html'));
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(summary.schemaVersion).toBe(1);
    const status = Object.fromEntries(summary.gates.map((g) => [g.id, g.status]));
    expect(status).toMatchObject({ 'api-latency': 'fail', availability: 'fail', 'load-delivered': 'fail', degradation: 'insufficient-data' });
    expect(summary.reproducibility.databaseError).toContain('cannot reach PostgreSQL');
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)?.length).toBe(summary.gates.length);
    expect(junit).toMatch(/<testcase [^>]*name="api-latency: [^"]*"[^>]*>\s*<failure /);
  });

  it('CONDITIONAL on the good run without a database: exit 0, printed clearly; --baseline adds the comparison', async () => {
    const first = path.join(fx.root, 'report-good');
    const lenient = path.join(fx.root, 'busy-machine.json');
    writeFileSync(lenient, JSON.stringify(busyMachineLatency));
    const r = await verify(['--run', fx.good, '--out', first, '--criteria', lenient]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verdict: CONDITIONAL \(exit 0/);
    expect(r.stderr).toContain('database unreachable');
    const second = path.join(fx.root, 'report-vs-baseline');
    // the bad run is starved of VUs and completes only a few requests per endpoint: compare them all
    const fewRequests = path.join(fx.root, 'few-requests.json');
    writeFileSync(fewRequests, JSON.stringify({ degradationMinRequests: 1 }));
    const again = await verify(['--run', fx.bad, '--out', second, '--baseline', path.join(first, 'summary.json'), '--criteria', fewRequests]);
    expect(again.code).toBe(1);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(second, 'summary.json'), 'utf8')));
    expect(summary.baseline?.gates?.length).toBe(summary.gates.length);
    expect(summary.gates.find((g) => g.id === 'degradation')?.status).toBe('fail');
    const html = readFileSync(path.join(second, 'index.html'), 'utf8');
    expect(html).toContain('<th>baseline</th>');
    expect(html).toContain('<th>peak/baseline</th>');
  });

  it('truncated k6 output: exit 0 with insufficient-data and a message naming the file, no stack trace', async () => {
    const dir = path.join(fx.root, 'truncated-run');
    mkdirSync(dir);
    const raw = readFileSync(path.join(fx.good, 'k6-raw.json.gz'));
    writeFileSync(path.join(dir, 'k6-raw.json.gz'), raw.subarray(0, raw.length >> 1));
    copyFileSync(path.join(fx.good, 'load.json'), path.join(dir, 'load.json'));
    const r = await verify(['--run', dir, '--out', path.join(fx.root, 'report-truncated')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${path.join(dir, 'k6-raw.json.gz')}: the gzip stream is truncated after line`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/insufficient-data\s+error api-latency/);
  });

  it('usage errors exit 2 with a one-line message', async () => {
    const missing = await verify(['--run', path.join(fx.root, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a folder');
    const criteria = path.join(fx.root, 'criteria.json');
    writeFileSync(criteria, '{"latency": {"p99Ms": 5}}');
    const bad = await verify(['--run', fx.good, '--criteria', criteria, '--out', path.join(fx.root, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('latency: Unrecognized key');
    expect(existsSync(path.join(fx.root, 'x', 'index.html'))).toBe(false);
    const flag = await verify(['--bogus']);
    expect(flag.code).toBe(2);
  });
});

describe('index.html in headless Chromium', () => {
  it('renders offline: verdict, charts drawn, no console errors, no request beyond the file, hostile text escaped', async () => {
    const load = await readLoadEvidence([fx.bad]);
    const context = { ...loadContext(load), dbError: 'cannot reach PostgreSQL (test)' };
    const results = await runGates(await loadGates(), context);
    // A gate result carrying markup must show as text, never run or break the page.
    results.push({
      id: 'hostile',
      title: '<img src=x onerror=alert(1)>',
      level: 'info',
      status: 'pass',
      threshold: '</script><script>alert(2)</script>',
      measured: '"quoted" & <b>bold</b>',
      evidence: { summary: 'rows with markup', rows: [{ name: '<script>alert(3)</script>', link: 'http://example.invalid/x.png' }], figures: { '<k>': '</dd>' } },
      checklist: [],
    });
    const out = path.join(fx.root, 'report-chromium');
    const summary = buildSummary({
      runId: 'chromium-test',
      outDir: out,
      verdict: verdictOf(results),
      results,
      load,
      baseline: undefined,
      generatedAt: new Date().toISOString(),
      reproducibility: { seedRunIds: ['seed-1'], loadRunDirs: [fx.bad], criteria: {}, versions: { node: process.version }, commands: ['npm run verify'] },
    });
    const files = writeReport(out, summary, readReportAssets());

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      const url = `file://${files.html}`;
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('#charts-box canvas');

      expect(await page.textContent('#verdict b')).toBe('NO-GO');
      const canvases = await page.$$eval('#charts-box canvas', (els) => els.map((c) => [(c as unknown as { width: number }).width, (c as unknown as { height: number }).height]));
      expect(canvases.length).toBe(3);
      for (const [w, h] of canvases) expect(w! * h!).toBeGreaterThan(0);
      expect(await page.$$eval('table.gates tbody tr', (rows) => rows.length)).toBe(results.length);
      expect(await page.textContent('#gate-hostile h3')).toContain('<img src=x onerror=alert(1)>');
      expect(await page.textContent('#gate-hostile')).toContain('<script>alert(3)</script>');
      expect(await page.$$eval('#endpoints + .scroll tbody tr', (rows) => rows.length)).toBe(load.endpoints.length + 1);

      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(requests.filter((r) => r !== url && !r.startsWith('data:'))).toEqual([]);

      const artifacts = path.join(repoRoot, '.kit', 'artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'verify-report.png'), fullPage: true });
      expect(existsSync(path.join(artifacts, 'verify-report.png'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
