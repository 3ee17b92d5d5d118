/**
 * The report end to end: `npm run verify` on real k6 runs writes index.html, summary.json and
 * junit.xml with the right exit code; the HTML opens in headless Chromium offline, draws its charts,
 * logs no error, requests nothing beyond its own file, and escapes whatever the gates report.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';
import { readLoadEvidence } from '../../verify/k6/load-evidence.ts';
import { readReportAssets } from '../../verify/report/assets.ts';
import { blockingGates } from '../../verify/report/blockers.ts';
import { unlabelledFigures } from '../../verify/report/labels.ts';
import { buildSummary } from '../../verify/report/summary.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { writeReport } from '../../verify/report/write.ts';
import { loadGates, runGates, verdictOf } from '../../verify/run.ts';
import { freePort } from '../support/ports.ts';
import { attributionSample, preferenceSample } from './support/db-gate-samples.ts';
import {
  busyMachineGenerator,
  busyMachineLatency,
  type Fixtures,
  loadContext,
  makeFixtures,
} from './support/fixtures.ts';

let fx: Fixtures;
/** Free port for the API setting: no stack answers there, so API-probing gates cannot see another stack. */
let apiPort: number;
/** A port nothing listens on: the database gates must answer insufficient-data, not crash. */
const UNREACHABLE_DB = 'postgresql://postgres:postgres@127.0.0.1:9/postgres';
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

function verify(args: string[]) {
  return exec(
    tsx,
    [
      path.join(repoRoot, 'scripts', 'verify.ts'),
      '--database-url',
      UNREACHABLE_DB,
      '--api-port',
      String(apiPort),
      ...args,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, KIT_CRITERIA_FILE: '' },
      timeoutMs: 120_000,
    },
  );
}

interface Opened {
  readonly page: Page;
  readonly url: string;
  readonly requests: string[];
  readonly errors: string[];
  readonly dialogs: string[];
}

/** Opens a file in headless Chromium offline, recording requests, console errors and dialogs. */
async function inChromium(file: string, check: (opened: Opened) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const opened: Opened = { page, url: `file://${file}`, requests: [], errors: [], dialogs: [] };
    page.on('request', (req) => opened.requests.push(req.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error') opened.errors.push(msg.text());
    });
    page.on('pageerror', (error) => opened.errors.push(error.message));
    page.on('dialog', async (dialog) => {
      opened.dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(opened.url, { waitUntil: 'load' });
    await check(opened);
  } finally {
    await browser.close();
  }
}

/**
 * camelCase words a person can read on the page. Code and preformatted blocks are left out: they
 * show identifiers on purpose (run ids, commands, the criteria as a --criteria file spells them).
 */
async function visibleCamelCase(page: Page): Promise<string[]> {
  // Text nodes joined with spaces: innerText would glue adjacent inline links into one word.
  const text = await page.evaluate<string>(`(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest('code, pre, script, style')) parts.push(node.textContent);
    }
    return parts.join(' ');
  })()`);
  // File paths in evidence and the run folders' own names (temporary folders with random, mixed-case
  // names such as peak-iGRl9v) are not keys.
  const folders = [fx.root, fx.good, fx.good2, fx.bad].filter((d) => d).map((d) => path.basename(d));
  const words = text.split(/\s+/).filter((w) => !w.includes('/') && !folders.some((f) => w.includes(f)));
  return [...new Set(words.flatMap((w) => w.match(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g) ?? []))];
}

beforeAll(async () => {
  [fx, apiPort] = await Promise.all([makeFixtures({ good2: false, baseline: true }), freePort()]);
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
    expect(status).toMatchObject({
      'api-latency': 'fail',
      availability: 'fail',
      'load-delivered': 'fail',
      degradation: 'insufficient-data',
    });
    expect(summary.reproducibility.databaseError).toContain('cannot reach PostgreSQL');
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)?.length).toBe(summary.gates.length);
    expect(junit).toMatch(/<testcase [^>]*name="api-latency: [^"]*"[^>]*>\s*<failure /);
  });

  it('CONDITIONAL on the good run without a database: exit 4 (error-level gates could not judge), printed clearly; --baseline adds the comparison', async () => {
    const first = path.join(fx.root, 'report-good');
    const lenient = path.join(fx.root, 'busy-machine.json');
    writeFileSync(lenient, JSON.stringify(busyMachineLatency));
    const r = await verify(['--run', fx.good, '--out', first, '--criteria', lenient]);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stdout).toMatch(/verdict: CONDITIONAL \(exit 4: error-level gates could not judge: [a-z-]+(, [a-z-]+)*\)/);
    expect(r.stdout).toMatch(/could not judge: .*\bsecurity\b/);
    expect(r.stderr).toContain('database unreachable');
    const second = path.join(fx.root, 'report-vs-baseline');
    // the baseline's own report: the baseline-profile run of the same target, judged alone
    const baselineReport = path.join(fx.root, 'report-baseline');
    // (judged alone it is NO-GO: a 1x schedule is no 10x load)
    expect((await verify(['--run', fx.baseline, '--out', baselineReport, '--criteria', lenient])).code).toBe(1);
    // the bad run is starved of VUs and completes only a few requests per endpoint: compare them all
    const fewRequests = path.join(fx.root, 'few-requests.json');
    // with the busy machine's generator limits, as the other runs here: the app is judged, not this machine
    writeFileSync(fewRequests, JSON.stringify({ degradationMinRequests: 1, ...busyMachineGenerator }));
    const again = await verify([
      '--run',
      fx.bad,
      '--out',
      second,
      '--baseline',
      path.join(baselineReport, 'summary.json'),
      '--criteria',
      fewRequests,
    ]);
    expect(again.code).toBe(1);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(second, 'summary.json'), 'utf8')));
    expect(summary.baseline?.gates?.length).toBe(summary.gates.length);
    expect(summary.gates.find((g) => g.id === 'degradation')?.status).toBe('fail');
    const html = readFileSync(path.join(second, 'index.html'), 'utf8');
    expect(html).toContain('<th>baseline</th>');
    expect(html).toContain('<th>peak/baseline</th>');
  });

  it('truncated k6 output: exit 4 (error-level gates could not judge) and a message naming the file, no stack trace', async () => {
    const dir = path.join(fx.root, 'truncated-run');
    mkdirSync(dir);
    const raw = readFileSync(path.join(fx.good, 'k6-raw.json.gz'));
    writeFileSync(path.join(dir, 'k6-raw.json.gz'), raw.subarray(0, raw.length >> 1));
    copyFileSync(path.join(fx.good, 'load.json'), path.join(dir, 'load.json'));
    const r = await verify(['--run', dir, '--out', path.join(fx.root, 'report-truncated')]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/could not judge: .*\bapi-latency\b/);
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

  it('--compare A B: compare.html sets the two runs side by side, new and gone findings named, offline', async () => {
    const [good, bad] = [path.join(fx.root, 'report-good'), path.join(fx.root, 'report-bad')];
    const out = path.join(fx.root, 'compare');
    const r = await verify(['--compare', good, path.join(bad, 'summary.json'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(out, 'compare.html');
    expect(r.stdout).toContain(file);
    expect((await verify(['--compare', good])).code).toBe(2);
    expect((await verify(['--compare', good, path.join(fx.root, 'nope')])).stderr).toContain('--compare:');
    const ids = summarySchema
      .parse(JSON.parse(readFileSync(path.join(bad, 'summary.json'), 'utf8')))
      .gates.map((g) => g.id);

    await inChromium(file, async ({ page, url, requests, errors }) => {
      expect(
        await page.$$eval('table.gates tbody tr', (rows) => rows.map((row) => row.getAttribute('data-gate'))),
      ).toEqual(ids);
      expect(await page.textContent('#runs')).toMatch(/CONDITIONAL[\s\S]*NO-GO/);
      // Lenient criteria passed latency in A; the bad run's slow endpoints are new findings in B.
      expect(await page.$$eval('#cmp-api-latency .findings-new li', (items) => items.length)).toBeGreaterThan(0);
      expect(await page.textContent('#cmp-api-latency')).toContain('p95 latency, all endpoints');
      expect(await visibleCamelCase(page)).toEqual([]);
      expect(errors).toEqual([]);
      expect(requests.filter((req) => req !== url)).toEqual([]);
    });
  });
});

describe('index.html in headless Chromium', () => {
  it('renders offline: verdict, charts drawn, no console errors, no request beyond the file, hostile text escaped', async () => {
    const load = await readLoadEvidence([fx.bad]);
    const context = { ...loadContext(load), dbError: 'cannot reach PostgreSQL (test)' };
    // Without a database these gates say insufficient-data; samples shaped like their real output stand in, so their charts draw.
    const results = (await runGates(await loadGates(), context)).map((r) =>
      r.id === 'preference-accuracy' ? preferenceSample : r.id === 'attribution' ? attributionSample : r,
    );
    expect(unlabelledFigures(results)).toEqual([]);
    // A gate result carrying markup must show as text, never run or break the page.
    results.push({
      id: 'hostile',
      title: '<img src=x onerror=alert(1)>',
      level: 'info',
      status: 'pass',
      threshold: '</script><script>alert(2)</script>',
      measured: '"quoted" & <b>bold</b>',
      evidence: {
        summary: 'rows with markup',
        rows: [{ name: '<script>alert(3)</script>', link: 'http://example.invalid/x.png' }],
        figures: { '<k>': '</dd>' },
      },
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
      reproducibility: {
        seedRunIds: ['seed-1'],
        loadRunDirs: [fx.bad],
        criteria: context.criteria as unknown as Record<string, unknown>,
        versions: { node: process.version },
        commands: ['npm run verify'],
      },
    });
    const files = writeReport(out, summary, readReportAssets());

    await inChromium(files.html, async ({ page, url, requests, errors, dialogs }) => {
      await page.waitForSelector('#charts-box canvas');

      expect(await page.textContent('#verdict b')).toBe('NO-GO');
      const canvases = await page.$$eval('#charts-box canvas', (els) =>
        els.map((c) => [(c as unknown as { width: number }).width, (c as unknown as { height: number }).height]),
      );
      // latency, rates, VUs and dropped iterations, and the generator's own health (delay and lag, CPU and VUs busy)
      expect(canvases.length).toBe(5);
      for (const [w, h] of canvases) expect(w! * h!).toBeGreaterThan(0);
      expect(await page.$$eval('table.gates tbody tr', (rows) => rows.length)).toBe(results.length);
      expect(await page.textContent('#gate-hostile h3')).toContain('<img src=x onerror=alert(1)>');
      expect(await page.textContent('#gate-hostile')).toContain('<script>alert(3)</script>');
      expect(await page.$$eval('#endpoints + figure + .scroll tbody tr', (rows) => rows.length)).toBe(
        load.endpoints.length + 1,
      );

      // What blocks sign-off: exactly the gates keeping the verdict from GO, in gate order.
      const blocking = results.filter((r) => r.level !== 'info' && r.status !== 'pass').map((r) => r.id);
      expect(blocking).toContain('attribution');
      expect(blockingGates(results).map((r) => r.id)).toEqual(blocking);
      expect(await page.$$eval('#blockers li', (items) => items.map((li) => li.getAttribute('data-gate')))).toEqual(
        blocking,
      );
      expect(await page.textContent('#blockers li[data-gate="api-latency"]')).toContain('What to do:');

      // Every chart draws: the three uPlot canvases above, and the three SVG charts with their marks.
      const svgCharts = await page.$$eval('figure.chart svg', (svgs) =>
        svgs.map((svg) => ({
          label: svg.getAttribute('aria-label'),
          marks: svg.querySelectorAll('rect').length,
          width: svg.getBoundingClientRect().width,
        })),
      );
      expect(svgCharts.map((c) => c.label)).toEqual([
        'p95 latency per endpoint',
        'NDCG@3 per archetype',
        'Attribution: from clicks to conversions',
      ]);
      for (const c of svgCharts) {
        expect(c.marks).toBeGreaterThan(2);
        expect(c.width).toBeGreaterThan(0);
      }
      expect(await page.$$eval('#endpoints + figure line.limit', (lines) => lines.length)).toBe(1);
      expect(await page.$$eval('#preference ~ figure .whisker', (w) => w.length)).toBe(
        preferenceSample.evidence.rows!.length,
      );

      // Labels for people: figures read "NDCG@3, 95% CI lower bound", never ndcg3CiLower.
      expect(await page.textContent('#gate-preference-accuracy')).toContain('NDCG@3, 95% CI lower bound');
      expect(await visibleCamelCase(page)).toEqual([]);

      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(requests.filter((req) => req !== url && !req.startsWith('data:'))).toEqual([]);

      const artifacts = path.join(repoRoot, '.kit', 'artifacts');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'verify-report.png'), fullPage: true });
      expect(existsSync(path.join(artifacts, 'verify-report.png'))).toBe(true);
    });
  });
});
