/**
 * The builders every gate reports with, so all gates say things in the same words and none throws
 * for missing evidence: the gate's head, its result, the one insufficient-data answer, and findings
 * (the shape of a check in verify/sql/checks/, also used for findings a gate makes in code) rendered
 * as evidence rows.
 */
import type { Evidence, Gate, GateLevel, GateResult, GateStatus } from '../gate.ts';

/** What a gate is, without how it runs: the part every result repeats. */
export type GateHead = Pick<Gate, 'id' | 'title' | 'level' | 'checklist'>;

export function gateResult(
  gate: GateHead,
  status: GateStatus,
  threshold: string,
  measured: string,
  evidence: Evidence,
): GateResult {
  return {
    id: gate.id,
    title: gate.title,
    level: gate.level,
    checklist: gate.checklist,
    status,
    threshold,
    measured,
    evidence,
  };
}

/** `insufficient-data` naming what was missing and how to get it, with any figures or rows that say more. */
export function insufficient(
  gate: GateHead,
  threshold: string,
  missing: string,
  extra: Omit<Partial<Evidence>, 'summary'> = {},
): GateResult {
  return gateResult(gate, 'insufficient-data', threshold, 'not measured', { summary: missing, ...extra });
}

/** Message of an unexpected error in one line, for evidence (never a stack trace). */
export function oneLine(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' ? ` (SQLSTATE ${e.code})` : '';
  return `${message.split('\n')[0] ?? ''}${code}`;
}

/** The first `n` rows, so evidence stays readable. */
export const firstRows = <T>(rows: readonly T[], n = 10): T[] => rows.slice(0, n);

/**
 * One problem found: a row of a check (verify/sql/checks/, columns in this order) or a finding a
 * gate makes in code (an HTTP probe, a failed query). `name` is the check's name, `metadata` the
 * ids and figures the gate needs beside the words.
 */
export interface Finding<Metadata extends object = Record<string, unknown>> {
  readonly name: string;
  readonly title: string;
  readonly level: GateLevel;
  readonly detail: string;
  readonly remediation: string;
  /** What the finding is about: `public.users`, `public.profiles policy "own rows"`, `click <uuid>`. */
  readonly object: string;
  readonly metadata: Metadata;
}

/** A finding made in code, in the same shape as a check's row. */
export const finding = <Metadata extends object = Record<string, never>>(
  f: Omit<Finding<Metadata>, 'metadata'> & { readonly metadata?: Metadata },
): Finding<Metadata> => ({ ...f, metadata: f.metadata ?? ({} as Metadata) });

/** An evidence row for a finding: `check` is its name, then the words, then its metadata flattened. */
export type FindingRow<Metadata extends object = Record<string, unknown>> = {
  readonly check: string;
  readonly level: GateLevel;
  readonly title: string;
  readonly object: string;
  readonly detail: string;
  readonly remediation: string;
} & Metadata;

export const findingRow = <Metadata extends object>(f: Finding<Metadata>): FindingRow<Metadata> =>
  ({
    check: f.name,
    level: f.level,
    title: f.title,
    object: f.object,
    detail: f.detail,
    ...f.metadata,
    remediation: f.remediation,
  }) as FindingRow<Metadata>;
