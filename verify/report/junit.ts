/**
 * junit.xml for CI: one test case per gate. A failed gate is a <failure>; insufficient data is an
 * <error> (the gate could not judge), a warn is reported in <system-out> and does not fail the case.
 */
import type { Summary } from './summary-schema.ts';

export function escapeXml(value: unknown): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest are escaped.
  return String(value)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function renderJunit(summary: Summary): string {
  const failures = summary.gates.filter((g) => g.status === 'fail').length;
  const errors = summary.gates.filter((g) => g.status === 'insufficient-data').length;
  const cases = summary.gates
    .map((g) => {
      const name = `${g.id}: ${g.title}`;
      const detail = `${g.evidence.summary}\nthreshold: ${g.threshold}\nmeasured: ${g.measured}`;
      const body =
        g.status === 'fail'
          ? `<failure message="${escapeXml(`${g.level}: ${g.measured}`)}" type="${escapeXml(g.level)}">${escapeXml(detail)}</failure>`
          : g.status === 'insufficient-data'
            ? `<error message="${escapeXml(`insufficient data: ${g.evidence.summary}`)}" type="insufficient-data">${escapeXml(detail)}</error>`
            : `<system-out>${escapeXml(`${g.status}: ${detail}`)}</system-out>`;
      return `    <testcase classname="aclue.verify.${escapeXml(g.level)}" name="${escapeXml(name)}" time="0">\n      ${body}\n    </testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="aclue-verify" tests="${summary.gates.length}" failures="${failures}" errors="${errors}">
  <testsuite name="${escapeXml(`verify ${summary.run.id} (${summary.verdict})`)}" tests="${summary.gates.length}" failures="${failures}" errors="${errors}" timestamp="${escapeXml(summary.generatedAt)}">
${cases}
  </testsuite>
</testsuites>
`;
}
