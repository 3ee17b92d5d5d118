/**
 * Markup shared by the report and the compare page: escaping, the status badge and the stylesheet,
 * so both pages read alike and escape alike.
 */

export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** JSON safe inside <script>: `<` (and the line separators JS once rejected) as escapes. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function statusBadge(status: string): string {
  return `<span class="badge s-${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}

/** The pages' stylesheet; inline, because the report must open offline. */
export const styles = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:16px 24px 64px}
h1{font-size:22px;margin:8px 0}h2{margin-top:36px;border-bottom:1px solid #d5d9e0;padding-bottom:4px}h3{margin:18px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0}th,td{border:1px solid #e1e4ea;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}.muted{color:#6b7385}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
pre{background:#fff;border:1px solid #e1e4ea;padding:8px;overflow:auto}
.banner{padding:18px 24px;border-radius:6px;color:#fff;margin:12px 0}.banner b{font-size:28px;letter-spacing:1px}
.v-GO{background:#1f8a4c}.v-CONDITIONAL{background:#b7791f}.v-NO-GO{background:#c53030}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:#718096}
.s-pass{background:#1f8a4c}.s-warn{background:#b7791f}.s-fail{background:#c53030}.s-insufficient-data{background:#6b46c1}.s-manual{background:#a0aec0}
span.s-fail,li.s-fail{color:#c53030;background:none}
dl.figures{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:8px 0}dl.figures dt{color:#6b7385}dl.figures dd{margin:0;font-variant-numeric:tabular-nums}
section.gate{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:4px 16px 12px;margin:12px 0}
.chart{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:8px;margin:10px 0}
nav a{margin-right:12px}
figure.chart{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:8px;margin:10px 0}figure.chart svg{display:block;font:12px system-ui,sans-serif;fill:#1d2330}
.bar{fill:#2b6cb0}.bar-bad{fill:#c53030}.bar-oracle{fill:#38a169}.bar-pop{fill:#a0aec0}
.limit{stroke:#c53030;stroke-dasharray:4 3;stroke-width:1.5}.grid{stroke:#e1e4ea}.whisker line{stroke:#1d2330;stroke-width:1.5}
.muted-svg{fill:#6b7385}figcaption{margin-top:4px}
#blockers{background:#fff;border:1px solid #e1e4ea;border-left:4px solid #c53030;border-radius:6px;padding:4px 16px}#blockers li{margin:6px 0}
.new{color:#c53030;font-weight:600}.gone{color:#1f8a4c;font-weight:600}
`;
