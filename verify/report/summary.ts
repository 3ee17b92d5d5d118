/**
 * Builds summary.json from the gate results and the evidence, and reads earlier ones back for
 * `--baseline`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../lib/errors.ts';
import type { CapacityEnvelope } from '../capacity/envelope.ts';
import type { LoadEvidence } from '../context.ts';
import type { GateResult, GateStatus } from '../gate.ts';
import { readLoadEvidence } from '../k6/load-evidence.ts';
import type { Verdict } from '../run.ts';
import { checklist } from './checklist.ts';
import { type LoadSummary, type Summary, summarySchema } from './summary-schema.ts';

export interface Baseline {
  readonly source: string;
  readonly load: LoadEvidence | undefined;
  /** Gate results of the earlier report, when the baseline is a summary.json. */
  readonly gates: readonly GateResult[] | undefined;
}

const severity: Record<GateStatus, number> = { pass: 0, warn: 1, 'insufficient-data': 2, fail: 3 };

/** A checklist line's status: the worst of its gates; `manual` when none answers it (or none ran). */
export function checklistStatus(gates: readonly string[], results: readonly GateResult[]): GateStatus | 'manual' {
  const found = gates.map((id) => results.find((r) => r.id === id)).filter((r): r is GateResult => r !== undefined);
  if (found.length === 0) return 'manual';
  return found.reduce<GateStatus>((worst, r) => (severity[r.status] > severity[worst] ? r.status : worst), 'pass');
}

export function verdictReasons(results: readonly GateResult[]): string[] {
  return results
    .filter((r) => r.level !== 'info' && r.status !== 'pass')
    .map((r) => `${r.id} (${r.level}): ${r.status} — ${r.measured}`);
}

export function toLoadSummary(load: LoadEvidence): LoadSummary {
  // The planted postbacks are judged by the attribution gate, whose evidence carries their counts.
  const { writes, clickIds, postbacks: _p, ...rest } = load;
  return { ...rest, writesRecorded: writes.length, clicksRecorded: clickIds.length } as LoadSummary;
}

export function fromLoadSummary(load: LoadSummary): LoadEvidence {
  const { writesRecorded: _w, clicksRecorded: _c, ...rest } = load;
  return { ...rest, writes: [], clickIds: [], postbacks: [] } as LoadEvidence;
}

export interface SummaryInput {
  readonly runId: string;
  readonly outDir: string;
  readonly verdict: Verdict;
  readonly results: readonly GateResult[];
  readonly load: LoadEvidence | undefined;
  readonly capacity?: CapacityEnvelope | undefined;
  readonly baseline: Baseline | undefined;
  readonly reproducibility: Summary['reproducibility'];
  readonly generatedAt: string;
}

export function buildSummary(input: SummaryInput): Summary {
  const summary: Summary = {
    schemaVersion: 1,
    generatedAt: input.generatedAt,
    verdict: input.verdict,
    verdictReasons: verdictReasons(input.results),
    run: { id: input.runId, outDir: input.outDir },
    gates: input.results.map((r) => ({ ...r, checklist: [...r.checklist] }) as Summary['gates'][number]),
    checklist: checklist.map((section) => ({
      title: section.title,
      lines: section.lines.map((line) => ({
        text: line.text,
        gates: [...line.gates],
        ...(line.proxy ? { proxy: line.proxy } : {}),
        status: checklistStatus(line.gates, input.results),
      })),
    })),
    ...(input.load ? { load: toLoadSummary(input.load) } : {}),
    ...(input.capacity ? { capacity: input.capacity as unknown as Summary['capacity'] } : {}),
    ...(input.baseline
      ? {
          baseline: {
            source: input.baseline.source,
            ...(input.baseline.load ? { load: toLoadSummary(input.baseline.load) } : {}),
            ...(input.baseline.gates ? { gates: input.baseline.gates as Summary['gates'] } : {}),
          },
        }
      : {}),
    reproducibility: input.reproducibility,
  };
  // A round trip through JSON and the schema: what we write is exactly what readers will accept.
  return summarySchema.parse(JSON.parse(JSON.stringify(summary)));
}

/** Reads and validates a summary.json; a usage error naming the flag and file when it is not one. */
export function readSummary(file: string, flag = '--baseline'): Summary {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flag}: ${file} cannot be read as JSON (${(error as Error).message})`);
  }
  const parsed = summarySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${flag}: ${file} is not a verify summary.json (schemaVersion 1): ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/**
 * `--baseline X`: an earlier report's summary.json (or its folder), or a k6 run folder (typically
 * of the baseline profile) whose raw output is read like the peak run's.
 */
export async function readBaseline(target: string): Promise<Baseline> {
  if (!existsSync(target))
    throw new UsageError(`--baseline: ${target} does not exist`, [
      'Give an earlier report (summary.json or its folder) or a k6 run folder.',
    ]);
  const isDir = statSync(target).isDirectory();
  const summaryFile = isDir ? path.join(target, 'summary.json') : target;
  if (!isDir || existsSync(summaryFile)) {
    const summary = readSummary(summaryFile);
    return {
      source: summaryFile,
      load: summary.load ? fromLoadSummary(summary.load) : undefined,
      gates: summary.gates as GateResult[],
    };
  }
  return { source: target, load: await readLoadEvidence([target]), gates: undefined };
}
