/**
 * Finds the gates, runs them and decides the verdict.
 *
 * Gates are discovered by glob — every `verify/gates/<id>.ts` default-exports a Gate whose id is its
 * file stem — so a new gate joins the report by existing, and a parity test checks that each one has
 * its docs page and tests. A gate that throws is a bug in that gate, not a verdict about the target:
 * it becomes `insufficient-data` with the error as evidence, and the other gates still run.
 *
 * Verdict rule (README "Verdict"):
 *   NO-GO       any `error`-level gate fails;
 *   CONDITIONAL otherwise, when any `warn`-level gate fails, any gate reports `warn`, or any
 *               `error`-level gate has insufficient data (it could not be judged, so nobody may sign GO);
 *   GO          otherwise. `info`-level gates never move the verdict.
 * Exit code (exitCodeOf): GO 0, NO-GO 1; CONDITIONAL 0 when only warnings need a person, 4 when an
 * error-level gate could not judge (a CI step must not read "could not tell" as "passed").
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExitCode } from '../lib/errors.ts';
import { repoRoot } from '../lib/paths.ts';
import type { VerifyContext } from './context.ts';
import type { Gate, GateResult } from './gate.ts';

export type Verdict = 'GO' | 'CONDITIONAL' | 'NO-GO';

export const gatesDir = path.join(repoRoot, 'verify', 'gates');

/** Ids of the gate files (stems), sorted: the set the parity test compares with docs and tests. */
export function gateIds(dir = gatesDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function isGate(value: unknown): value is Gate<VerifyContext> {
  const g = value as Partial<Gate<VerifyContext>> | undefined;
  return (
    typeof g === 'object' &&
    g !== null &&
    typeof g.id === 'string' &&
    typeof g.title === 'string' &&
    typeof g.run === 'function' &&
    (g.level === 'error' || g.level === 'warn' || g.level === 'info') &&
    Array.isArray(g.checklist)
  );
}

/** Imports every gate module; a file that does not export a proper gate is a programming error. */
export async function loadGates(dir = gatesDir): Promise<Gate<VerifyContext>[]> {
  const gates: Gate<VerifyContext>[] = [];
  for (const id of gateIds(dir)) {
    const file = path.join(dir, `${id}.ts`);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    if (!isGate(mod.default))
      throw new Error(`${file}: the default export is not a Gate (id, title, level, checklist, run)`);
    if (mod.default.id !== id)
      throw new Error(`${file}: gate id "${mod.default.id}" differs from its file name "${id}"`);
    gates.push(mod.default);
  }
  return gates;
}

export async function runGate(gate: Gate<VerifyContext>, context: VerifyContext): Promise<GateResult> {
  try {
    const result = await gate.run(context);
    // A gate may speak at info level for one run (an optional measurement not made); never above its own level.
    return { ...result, id: gate.id, level: result.level === 'info' ? 'info' : gate.level };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      id: gate.id,
      title: gate.title,
      level: gate.level,
      status: 'insufficient-data',
      threshold: '—',
      measured: 'not measured: the gate raised an error',
      evidence: { summary: `The gate could not finish: ${message}`, figures: { error: message } },
      checklist: gate.checklist,
    };
  }
}

/** Told before each gate starts (`result` undefined) and after it ends, with its milliseconds. */
export type GateProgress = (
  gate: Gate<VerifyContext>,
  index: number,
  result: GateResult | undefined,
  ms: number,
) => void;

/** Runs the gates one after another (they share one database pool; order is the sorted id order). */
export async function runGates(
  gates: readonly Gate<VerifyContext>[],
  context: VerifyContext,
  progress: GateProgress = () => undefined,
): Promise<GateResult[]> {
  const results: GateResult[] = [];
  for (const [index, gate] of gates.entries()) {
    const started = performance.now();
    progress(gate, index, undefined, 0);
    const result = await runGate(gate, context);
    progress(gate, index, result, performance.now() - started);
    results.push(result);
  }
  return results;
}

export function verdictOf(results: readonly Pick<GateResult, 'level' | 'status'>[]): Verdict {
  if (results.some((r) => r.level === 'error' && r.status === 'fail')) return 'NO-GO';
  const conditional = results.some(
    (r) =>
      (r.level === 'warn' && r.status === 'fail') ||
      (r.level !== 'info' && r.status === 'warn') ||
      // A gate that could not judge needs a person, whatever its level (the report's "What blocks
      // sign-off" lists the same gates).
      (r.level !== 'info' && r.status === 'insufficient-data'),
  );
  return conditional ? 'CONDITIONAL' : 'GO';
}

/** Error-level gates that could not judge: what turns a CONDITIONAL verdict into exit 4. */
export function unjudgedErrorGates(results: readonly Pick<GateResult, 'id' | 'level' | 'status'>[]): string[] {
  return results.filter((r) => r.level === 'error' && r.status === 'insufficient-data').map((r) => r.id);
}

/** verify's exit code for its results (README "Exit codes"). */
export function exitCodeOf(results: readonly Pick<GateResult, 'id' | 'level' | 'status'>[]): ExitCode {
  const verdict = verdictOf(results);
  if (verdict === 'NO-GO') return ExitCode.noGo;
  if (verdict === 'CONDITIONAL' && unjudgedErrorGates(results).length > 0) return ExitCode.unjudged;
  return ExitCode.ok;
}
