/**
 * Data integrity: FK orphans, case-duplicate e-mails, swipe consistency, the seed's planned
 * counts and rows, and session analytics counters against the raw events. One SQL file per
 * check in verify/sql/checks/data-integrity/; files reading kit_truth run only when a seed run is judged.
 */

import { type Finding, findingRow, firstRows, gateResult, insufficient, oneLine } from '../checks/result.ts';
import { judgedRuns } from '../checks/truth.ts';
import type { VerifyContext } from '../context.ts';
import type { Gate, GateResult } from '../gate.ts';
import { checkFiles, runCheck } from '../sql/run.ts';

/** What every data-integrity check says beside its words. */
type Counts = { expected: number; actual: number };

const gate = {
  id: 'data-integrity',
  title: 'Data integrity and analytics consistency',
  level: 'error',
  checklist: ['Zero data integrity issues', 'Analytics data consistent', 'Data integrity violations'],
} as const;

const THRESHOLD =
  'no FK orphans, case-duplicate e-mails or inconsistent swipes; seeded rows and counts present; session analytics counters equal the raw events';

async function run(ctx: VerifyContext): Promise<GateResult> {
  if (ctx.db === undefined)
    return insufficient(gate, THRESHOLD, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  try {
    const truth = await judgedRuns(ctx.db, ctx.seedRunIds);
    const checks = checkFiles('data-integrity');
    const skipped = truth.complete.length === 0 ? checks.filter((c) => c.sql.includes('kit_truth.')) : [];
    const rows: Finding<Counts>[] = [];
    const ran: string[] = [];
    for (const check of checks) {
      if (skipped.includes(check)) continue;
      rows.push(...(await runCheck<Counts>(ctx.db, check, [truth.complete])));
      ran.push(check.name);
    }
    const sessions = await ctx.db.query<{ n: number }>('select count(*)::int as n from public.session_analytics');
    const users = await ctx.db.query<{ n: number }>('select count(*)::int as n from public.users');
    if ((users.rows[0]?.n ?? 0) === 0 && rows.length === 0) {
      return insufficient(
        gate,
        THRESHOLD,
        'the database holds no users: seed it (npm run seed) before judging integrity',
      );
    }
    const byCheck = Object.fromEntries(checks.map((c) => [c.name, rows.filter((r) => r.name === c.name).length]));
    const failed = rows.length > 0;
    const notes = [
      ...(skipped.length > 0
        ? [`not checked without a seed run: ${skipped.map((c) => c.name).join(', ')} (${truth.problems.join('; ')})`]
        : []),
    ];
    return gateResult(
      gate,
      failed ? 'fail' : skipped.length > 0 ? 'warn' : 'pass',
      THRESHOLD,
      failed
        ? `${rows.length} findings: ${Object.entries(byCheck)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}`
        : `0 findings in ${ran.length} checks over ${sessions.rows[0]?.n ?? 0} analytics sessions`,
      {
        summary: failed
          ? `Failed: ${rows
              .slice(0, 4)
              .map((r) => `${r.name} ${r.object}: ${r.detail}`)
              .join('; ')}.`
          : `No integrity findings.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`,
        figures: {
          ...byCheck,
          sessionsChecked: sessions.rows[0]?.n ?? 0,
          seedRuns: truth.complete.join(', ') || null,
          notChecked: notes.join('; ') || null,
        },
        rows: checks.flatMap((c) =>
          firstRows(
            rows.filter((r) => r.name === c.name),
            10,
          ).map(findingRow),
        ),
        links: ['#data-integrity'],
      },
    );
  } catch (error) {
    return insufficient(gate, THRESHOLD, `integrity checks could not run: ${oneLine(error)}`);
  }
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
