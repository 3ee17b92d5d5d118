/**
 * Small, careful edits of policy expressions as pg_policies deparses them (fully parenthesised,
 * string literals in single quotes): top-level OR terms, and wrapping per-row auth calls.
 */

/** Whether the whole text is one parenthesised group: `(a) OR (b)` is not, `((a) OR (b))` is. */
function enclosed(text: string): boolean {
  if (!text.startsWith('(') || !text.endsWith(')')) return false;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (depth === 0 && i < text.length - 1) return false;
  }
  return true;
}

export function unparen(text: string): string {
  let t = text.trim();
  while (enclosed(t)) t = t.slice(1, -1).trim();
  return t;
}

/** The terms of a top-level OR (one term when there is none). */
export function orTerms(expr: string): string[] {
  const t = unparen(expr);
  const terms: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /^\sOR\s/i.test(t.slice(i, i + 4))) {
      terms.push(t.slice(start, i).trim());
      start = i + 4;
    }
  }
  terms.push(t.slice(start).trim());
  return terms;
}

const WRAPPED = /\(\s*select\s+(auth\.(uid|jwt|role|email)\(\)|current_setting\([^()]*\))\s+as\s+\w+\s*\)/gi;
const BARE = /auth\.(uid|jwt|role|email)\(\)|current_setting\([^()]*\)/gi;

/** Every per-row auth.*() / current_setting() call wrapped as `(select …)`; wrapped ones stay. */
export function wrapAuthCalls(expr: string): string {
  const kept: string[] = [];
  const masked = expr.replace(WRAPPED, (m) => `\u0000${kept.push(m) - 1}\u0000`);
  return masked
    .replace(BARE, (m) => `(select ${m})`)
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => kept[Number(i)] as string);
}
