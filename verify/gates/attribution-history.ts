/**
 * The seeded affiliate history reconciled with the seed's truth: every planted click recorded once
 * with user, session and product; every planted conversion on its expected click (is_converted,
 * order_id, actual_commission, conversion_timestamp, as the real schema records them); failure
 * classes counted with the first offending rows; commission sums compared. The seed writes this
 * history itself (COPY), so it shows the database keeps what it was given, not that the app
 * attributes: that is the attribution gate's, from the load's postbacks. Checks in
 * verify/sql/checks/attribution-history/, the sums in verify/sql/queries/attribution-history/.
 */

import { type FindingRow, findingRow, firstRows, gateResult, insufficient, oneLine } from '../checks/result.ts';
import { judgedRuns } from '../checks/truth.ts';
import type { VerifyContext } from '../context.ts';
import { round } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { checkFiles, queryFile, runCheck, runQuery } from '../sql/run.ts';

/** What every attribution-history check says beside its words. */
type Failure = { failure_class: string; click_id: string | null; order_id: string | null };
type FailureRow = FindingRow<Failure>;
interface Totals {
  planted_clicks: number;
  recorded_clicks: number;
  planted_conversions: number;
  recorded_conversions: number;
  planted_commission: number;
  recorded_commission: number;
  planted_revenue: number;
}

const gate = {
  id: 'attribution-history',
  title: 'Seeded affiliate history consistent',
  level: 'error',
  checklist: ['Data relationships maintained'],
} as const;

const THRESHOLD =
  'every seeded click recorded once with user, session and product; every planted conversion on its click; 0 missing, orphan, misattributed, duplicate, expired; commission sums equal';
export const FAILURE_CLASSES = ['missing', 'incomplete', 'orphan', 'misattributed', 'duplicate', 'expired'] as const;

async function run(ctx: VerifyContext): Promise<GateResult> {
  if (ctx.db === undefined)
    return insufficient(gate, THRESHOLD, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  try {
    const truth = await judgedRuns(ctx.db, ctx.seedRunIds);
    if (truth.complete.length === 0)
      return insufficient(gate, THRESHOLD, `no seeded history to reconcile: ${truth.problems.join('; ')}`);
    const failures: FailureRow[] = [];
    for (const check of checkFiles('attribution-history'))
      failures.push(...(await runCheck<Failure>(ctx.db, check, [truth.complete])).map(findingRow));
    const totals = (
      await runQuery<Totals>(ctx.db, queryFile('attribution-history', 'commission_sums'), [truth.complete])
    )[0];
    const counts = Object.fromEntries(
      FAILURE_CLASSES.map((c) => [c, failures.filter((f) => f.failure_class === c).length]),
    );
    const commissionDiff = totals === undefined ? 0 : round(totals.recorded_commission - totals.planted_commission, 2);
    const sumsMatch = Math.abs(commissionDiff) < 0.005;
    const failed = failures.length > 0 || !sumsMatch;
    const classesHit = FAILURE_CLASSES.filter((c) => (counts[c] ?? 0) > 0).map((c) => `${counts[c]} ${c}`);
    const measured =
      totals === undefined
        ? `${failures.length} failures`
        : `${totals.recorded_clicks}/${totals.planted_clicks} planted clicks; ` +
          `${totals.recorded_conversions}/${totals.planted_conversions} conversions; commission ${totals.recorded_commission} vs planted ${totals.planted_commission}` +
          `${classesHit.length > 0 ? `; ${classesHit.join(', ')}` : ''}`;
    const summary = failed
      ? `Failed: ${[...classesHit, ...(sumsMatch ? [] : [`commission off by ${commissionDiff}`])].join(', ')}. First: ${failures
          .slice(0, 3)
          .map((f) => `${f.failure_class} ${f.click_id ?? f.order_id ?? ''} (${f.detail})`)
          .join('; ')}.`
      : `All seeded clicks and conversions reconcile; commission sums equal.${truth.problems.length > 0 ? ` Not judged: ${truth.problems.join('; ')}.` : ''}`;
    return gateResult(gate, failed ? 'fail' : 'pass', THRESHOLD, measured, {
      summary,
      figures: {
        seedRuns: truth.complete.join(', ') || null,
        ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [`failures_${k}`, v])),
        plantedClicks: totals?.planted_clicks ?? null,
        recordedClicks: totals?.recorded_clicks ?? null,
        plantedConversions: totals?.planted_conversions ?? null,
        recordedConversions: totals?.recorded_conversions ?? null,
        plantedCommission: totals?.planted_commission ?? null,
        recordedCommission: totals?.recorded_commission ?? null,
        commissionDifference: commissionDiff,
        plantedRevenue: totals?.planted_revenue ?? null,
        notJudged: truth.problems.join('; ') || null,
      },
      rows: FAILURE_CLASSES.flatMap((c) =>
        firstRows(
          failures.filter((f) => f.failure_class === c),
          10,
        ),
      ),
      links: ['#attribution-history'],
    });
  } catch (error) {
    return insufficient(gate, THRESHOLD, `seeded history could not be reconciled: ${oneLine(error)}`);
  }
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
