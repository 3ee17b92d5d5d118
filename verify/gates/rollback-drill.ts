/**
 * Rollback procedures tested: reads the newest rollback drill (`npm run rollback-drill`) and judges
 * whether the checklist's documented rollback can be run as written without exposing users' data,
 * and (scratch mode) whether the app still passes the smoke profile afterwards.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DrillResult } from '../../drill/rollback.ts';
import { reportsDir } from '../../lib/paths.ts';
import { foreignEvidence, parseTargetIdentity, type TargetIdentity } from '../../lib/target-identity.ts';
import { firstRows, gateResult, insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import type { Gate, GateResult } from '../gate.ts';

const gate = {
  id: 'rollback-drill',
  title: 'Rollback procedure drilled',
  level: 'warn',
  checklist: ['Rollback procedures tested'],
} as const;

const THRESHOLD =
  'every documented rollback statement runs; no RLS cell opens to another user; smoke passes on the rolled-back copy';

/** The drill's recorded target, or undefined when the file records none (or cannot be read). */
function drillTarget(file: string): TargetIdentity | undefined {
  try {
    return parseTargetIdentity((JSON.parse(readFileSync(file, 'utf8')) as { targetIdentity?: unknown }).targetIdentity);
  } catch {
    return undefined;
  }
}

/**
 * The drill beside the report (the demo puts it there), else the newest one under reports/ of this
 * target (`current`); `refused` says why the drill beside the report belongs to another target.
 */
export function findDrill(
  outDir: string,
  reports = reportsDir,
  current?: TargetIdentity,
): { file: string | undefined; refused?: string } {
  const beside = path.join(outDir, 'rollback-drill', 'rollback-drill.json');
  if (existsSync(beside)) {
    const refused = foreignEvidence(`the rollback drill ${beside}`, drillTarget(beside), current);
    return refused ? { file: undefined, refused } : { file: beside };
  }
  if (!existsSync(reports)) return { file: undefined };
  const candidates = readdirSync(reports)
    .filter((d) => d.startsWith('rollback-drill-'))
    .map((d) => path.join(reports, d, 'rollback-drill.json'))
    .filter((f) => existsSync(f));
  const newest = candidates.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const mine = newest.find((f) => foreignEvidence('drill', drillTarget(f), current) === undefined);
  if (mine !== undefined || newest[0] === undefined) return { file: mine };
  return {
    file: undefined,
    refused: foreignEvidence(`the rollback drill ${newest[0]}`, drillTarget(newest[0]), current),
  };
}

/** The gate's judgement of one drill file (undefined: none was found). */
export function judgeDrill({ file, refused }: { file: string | undefined; refused?: string }): GateResult {
  if (refused !== undefined) return insufficient(gate, THRESHOLD, `not judged: ${refused}`);
  if (file === undefined)
    return insufficient(
      gate,
      THRESHOLD,
      'no rollback drill found: run `npm run rollback-drill` (it writes reports/rollback-drill-<time>/rollback-drill.json)',
    );
  let drill: DrillResult;
  try {
    drill = JSON.parse(readFileSync(file, 'utf8')) as DrillResult;
    if (drill.version !== 1 || !Array.isArray(drill.statements))
      throw new Error('not a rollback-drill.json of version 1');
  } catch (error) {
    return insufficient(gate, THRESHOLD, `${file} cannot be read: ${(error as Error).message}`);
  }
  const failedStatements = drill.statements.filter((s) => !s.ok);
  const opened = drill.changedByRollback.filter((c) => c.actual === 'rows' && c.expected !== 'rows');
  const smokeFailed = drill.smoke !== undefined && (drill.smoke.exitCode !== 0 || drill.smoke.checksFailed > 0);
  const problems = [
    ...(failedStatements.length ? [`${failedStatements.length} documented statement(s) fail as written`] : []),
    ...(opened.length ? [`${opened.length} RLS cell(s) open to another user or role once it runs`] : []),
    ...(smokeFailed ? ['the smoke profile fails on the rolled-back database'] : []),
    ...(drill.restored ? [] : ['the drill could not confirm the database was restored']),
  ];
  return gateResult(
    gate,
    problems.length === 0 ? 'pass' : 'fail',
    THRESHOLD,
    `${drill.statements.length - failedStatements.length}/${drill.statements.length} statements ran; ${opened.length} cells opened${drill.smoke ? `; smoke exit ${drill.smoke.exitCode}, ${drill.smoke.checksFailed} failed checks` : ''}`,
    {
      summary:
        problems.length === 0
          ? `The documented rollback ran as written (${drill.mode} mode, ${drill.startedAt}) without opening data to other users.`
          : `The documented rollback is not safe to run as written: ${problems.join('; ')}. Steps the checklist leaves to a person: ${drill.manualSteps.length}.`,
      figures: {
        mode: drill.mode,
        drilledAt: drill.startedAt,
        statementsRun: drill.statements.length - failedStatements.length,
        statementsFailed: failedStatements.length,
        cellsOpened: opened.length,
        deviationsBefore: drill.deviationsBefore.length,
        smokeExitCode: drill.smoke?.exitCode ?? null,
        smokeChecksFailed: drill.smoke?.checksFailed ?? null,
        file: path.relative(path.dirname(reportsDir), file),
      },
      rows: [
        ...failedStatements.map((s) => ({ kind: 'statement failed', detail: s.sql, error: s.error ?? '' })),
        ...firstRows(opened, 20).map((c) => ({
          kind: 'opened by rollback',
          detail: `${c.table} ${c.op} as ${c.actor}`,
          error: `expected ${c.expected}, got ${c.actual}`,
        })),
        ...(drill.smoke?.failedChecks ?? []).map((c) => ({ kind: 'smoke check failed', detail: c, error: '' })),
        ...drill.manualSteps.map((m) => ({ kind: 'manual step', detail: m, error: '' })),
      ],
      links: ['#rollback-drill'],
    },
  );
}

export default {
  ...gate,
  run: async (ctx: VerifyContext) => judgeDrill(findDrill(ctx.outDir, reportsDir, ctx.target)),
} satisfies Gate<VerifyContext>;
