/**
 * What the four k6-based gates share: how they say that load evidence is missing or damaged, and
 * number formatting. Damaged evidence (truncated or malformed output) is never judged: a partial run
 * can look fast or clean only because its worst part is missing.
 */

import type { LoadEvidence } from '../context.ts';
import type { GateLevel, GateResult } from '../gate.ts';

export interface GateInfo {
  readonly id: string;
  readonly title: string;
  readonly level: GateLevel;
  readonly checklist: readonly string[];
}

export function insufficient(
  gate: GateInfo,
  threshold: string,
  summary: string,
  extra: Partial<GateResult['evidence']> = {},
): GateResult {
  return {
    id: gate.id,
    title: gate.title,
    level: gate.level,
    status: 'insufficient-data',
    threshold,
    measured: 'not measured',
    evidence: { summary, ...extra },
    checklist: gate.checklist,
  };
}

/** Every problem of every source, one line each, naming file and line. */
export function loadProblems(load: LoadEvidence): string[] {
  return load.sources.flatMap((s) => s.problems);
}

/** The standard answer when there is no load run, or its output is damaged; undefined when usable. */
export function unusableLoad(
  gate: GateInfo,
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

export function ms(value: number): string {
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
}

export function percent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
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
