/** Small builders so every DB-side gate reports in the same words and never throws for missing evidence. */
import type { Evidence, Gate, GateResult, GateStatus } from '../gate.ts';

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

/** `insufficient-data` naming what was missing and how to get it. */
export function insufficient(
  gate: GateHead,
  threshold: string,
  missing: string,
  figures?: Evidence['figures'],
): GateResult {
  return gateResult(gate, 'insufficient-data', threshold, 'not measured', {
    summary: missing,
    ...(figures === undefined ? {} : { figures }),
  });
}

/** Message of an unexpected error in one line, for evidence (never a stack trace). */
export function oneLine(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' ? ` (SQLSTATE ${e.code})` : '';
  return `${message.split('\n')[0] ?? ''}${code}`;
}

export const ratio = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

/** The first `n` rows, so evidence stays readable. */
export const firstRows = <T>(rows: readonly T[], n = 10): T[] => rows.slice(0, n);
