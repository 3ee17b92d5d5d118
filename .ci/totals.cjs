// The CI totals (.ci/run): reads the results files npm test writes, prints "N passed, N failed" and
// exits 1 when anything failed. A results file that is missing or unreadable is a failure: the
// suite it stands for did not report, whatever npm test's exit code said.
// Usage: node .ci/totals.cjs <npm test status> <lint status> <typecheck status>  (in the checkout)
const fs = require('node:fs');
const [status, lintStatus, typecheckStatus] = process.argv.slice(2, 5).map(Number);
let passed = 0;
let failed = 0;
let skipped = 0;
// npm test runs the suite, then the timing tests alone: each writes its own results file.
for (const file of ['.kit/test-results.json', '.kit/test-results-timing.json']) {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    // A test file that fails to load has no failed test of its own: count it once.
    for (const result of r.testResults) {
      if (result.status === 'failed' && !result.assertionResults.some((a) => a.status === 'failed')) failed += 1;
    }
  } catch (error) {
    console.error(`ci: no test results in ${file} (${error.message}): counted as a failure`);
    failed += 1;
  }
}
if (status !== 0 && failed === 0) failed = 1; // the command failed outside any test
if (lintStatus !== 0) {
  console.error('ci: npm run lint found problems (run npm run format, then fix what remains)');
  failed += 1;
}
if (typecheckStatus !== 0) {
  console.error('ci: npm run typecheck found type errors');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
