/**
 * The CI entry point (.ci/run) and what it counts: a results file that is missing is a failure (a
 * suite that did not report has not passed), the main tsconfig is typechecked, and the timing tests
 * measure once (they run alone, so a retry would only hide a slow engine).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';

const totals = path.join(repoRoot, '.ci', 'totals.cjs');
const results = (passed: number, failed: number) =>
  JSON.stringify({
    numPassedTests: passed,
    numFailedTests: failed,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: [],
  });

/** Runs .ci/totals.cjs in a folder holding the given results files, with the given exit statuses. */
async function count(files: Record<string, string>, statuses = ['0', '0', '0']) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-ci-'));
  mkdirSync(path.join(dir, '.kit'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, '.kit', name), text);
  return exec(process.execPath, [totals, ...statuses], { cwd: dir });
}

describe('.ci/run totals', () => {
  it('passes when both results files report no failure and every status is 0', async () => {
    const r = await count({ 'test-results.json': results(10, 0), 'test-results-timing.json': results(3, 0) });
    expect(r.stdout.trim()).toBe('13 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('fails when a results file is missing, even though npm test exited 0', async () => {
    const r = await count({ 'test-results.json': results(10, 0) });
    expect(r.stdout.trim()).toBe('10 passed, 1 failed');
    expect(r.stderr).toContain('no test results in .kit/test-results-timing.json');
    expect(r.code).toBe(1);
    const none = await count({});
    expect(none.stdout.trim()).toBe('0 passed, 2 failed');
  });

  it('fails on a type error of the main tsconfig, which .ci/run checks with npm run typecheck', async () => {
    const both = { 'test-results.json': results(10, 0), 'test-results-timing.json': results(3, 0) };
    const r = await count(both, ['0', '0', '2']);
    expect(r.stdout.trim()).toBe('13 passed, 1 failed');
    expect(r.code).toBe(1);
    const script = readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    expect(script).toMatch(/^npm run typecheck$/m);
    expect(script).toContain('.ci/totals.cjs "$status" "$lint_status" "$typecheck_status"');
  });
});

describe('timing tests', () => {
  it('measure once: no retry in a timing test file or in their config', () => {
    const timing = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? timing(path.join(dir, e.name))
          : e.name.endsWith('.timing.test.ts')
            ? [path.join(dir, e.name)]
            : [],
      );
    const files = timing(path.join(repoRoot, 'test'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of [...files, path.join(repoRoot, 'vitest.timing.config.ts')])
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/\bretry\b/);
  });
});
