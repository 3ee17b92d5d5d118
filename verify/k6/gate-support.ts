/**
 * What the four k6-based gates share: how they say that load evidence is missing or damaged (with
 * the one insufficient-data builder of verify/checks/result.ts). Damaged evidence (truncated or
 * malformed output) is never judged: a partial run can look fast or clean only because its worst
 * part is missing.
 */

import { type GateHead, insufficient } from '../checks/result.ts';
import type { LoadEvidence } from '../context.ts';
import type { GateResult } from '../gate.ts';

/** Every problem of every source, one line each, naming file and line. */
export function loadProblems(load: LoadEvidence): string[] {
  return load.sources.flatMap((s) => s.problems);
}

/** The standard answer when there is no load run, or its output is damaged; undefined when usable. */
export function unusableLoad(
  gate: GateHead,
  threshold: string,
  load: LoadEvidence | undefined,
  what = 'load run',
): GateResult | undefined {
  if (!load) {
    return insufficient(
      gate,
      threshold,
      `No ${what} to judge: give one with --run DIR (a reports/<profile>-<stamp>/ folder written by \`npm run load\`).`,
    );
  }
  const problems = loadProblems(load);
  if (problems.length > 0) {
    return insufficient(
      gate,
      threshold,
      `The k6 output of the ${what} is incomplete or malformed, so it is not judged: ${problems[0]}`,
      {
        rows: problems.map((problem) => ({ problem })),
        figures: { 'lines read': load.sources.reduce((a, s) => a + s.lines, 0), problems: problems.length },
      },
    );
  }
  return undefined;
}

/**
 * Whether the run counted a counter of the kit (`aclue_auth_failures`, `aclue_rls_leaks`): points of
 * it, or every instance's end-of-test summary listing it (a counter is listed there even at zero once
 * a threshold names it; the raw output has no point of a counter never incremented).
 */
export function counterCounted(load: LoadEvidence, name: string): boolean {
  return (
    load.counters[name] !== undefined ||
    (load.sources.length > 0 && load.sources.every((s) => s.summaryMetrics?.includes(name) === true))
  );
}

/**
 * The target a run's load.json records (its API URL), when every instance names the same one; the
 * one place that says what "the same target" means, for the gates that compare runs or targets.
 */
export function targetOf(load: LoadEvidence): string | undefined {
  const targets = new Set(load.sources.map((s) => s.load?.targetUrl));
  const [only] = [...targets];
  return targets.size === 1 && only !== undefined && only !== '' ? only.replace(/\/+$/, '') : undefined;
}

/** Why two runs cannot be compared as runs of one target; undefined when they can. */
export function differentTarget(peak: LoadEvidence, baseline: LoadEvidence): string | undefined {
  const [a, b] = [targetOf(peak), targetOf(baseline)];
  if (a === undefined) return "the peak run's load.json does not record one target (targetUrl)";
  if (b === undefined) return "the baseline's load.json does not record one target (targetUrl)";
  return a === b ? undefined : `the baseline ran against ${b}, the peak run against ${a}`;
}

/** A target on this machine (loopback): the kit's default rates are its own stack's, so they fit there. */
export function isLocalTarget(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** A note when the judged run is not the peak profile the criteria speak of. */
export function profileNote(load: LoadEvidence): string {
  return load.profile && load.profile !== 'peak'
    ? ` Note: the judged run is profile "${load.profile}", not "peak".`
    : '';
}

export function sourceNote(load: LoadEvidence): string {
  return load.kind === 'summary'
    ? " From k6's end-of-test summary (no raw output found): exact k6 percentiles, no time windows."
    : '';
}
