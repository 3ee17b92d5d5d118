/**
 * Regressions in top database statements between the baseline run and the peak run (`--baseline`):
 * the same statement (pg_stat_statements queryid) whose mean execution time grew past the
 * checklist's rollback trigger, "Query performance degradation >300%".
 */
import { firstRows, gateResult, insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import { round, times } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { withMeasurementValidity } from '../k6/generator-health.ts';
import { compareStatements, readStatements, type StatementStat, uncomparedStatements } from '../statements.ts';

const gate = {
  id: 'statement-regressions',
  title: 'Top database statements against the baseline run',
  level: 'warn',
  checklist: ['Query performance degradation >300%', 'Query execution times improved'],
} as const;

/** The judgement of two snapshots; undefined ones say which run had none. */
export function judgeStatements(
  peak: readonly StatementStat[] | undefined,
  baseline: readonly StatementStat[] | undefined,
  maxRatio: number,
): GateResult {
  const threshold = `mean execution time of every statement seen in both runs < ${maxRatio}x its baseline`;
  if (peak === undefined)
    return insufficient(
      gate,
      threshold,
      'the judged run has no db-statements.json (runs from `npm run load` keep one when the database is reachable)',
    );
  if (baseline === undefined)
    return insufficient(
      gate,
      threshold,
      'no baseline run with db-statements.json: pass --baseline <baseline run folder>',
    );
  const changes = compareStatements(peak, baseline);
  // Named, not judged: a snapshot keeps each run's heaviest statements only, so some of the peak's are
  // always missing from the baseline's; a reviewer reads which, and a new heavy statement stands out.
  const uncompared = uncomparedStatements(peak, baseline);
  const notCompared = uncompared.length
    ? ` ${uncompared.length} statement(s) of the peak run could not be compared, heaviest first: ` +
      `${firstRows(uncompared, 3)
        .map((u) => `"${u.query.slice(0, 80)}" (${u.reason})`)
        .join('; ')}${uncompared.length > 3 ? '; more in the rows' : ''}.`
    : '';
  const uncomparedRows = firstRows(uncompared, 15).map((u) => ({
    statement: u.query,
    baseline_mean_ms: null,
    peak_mean_ms: round(u.peakMeanMs, 3),
    ratio: null,
    peak_calls: u.peakCalls,
    not_compared: u.reason,
  }));
  if (changes.length === 0) {
    return gateResult(gate, 'insufficient-data', threshold, 'not measured', {
      summary: `no statement ran at least 5 times in both runs.${notCompared}`,
      figures: { statementsCompared: 0, notCompared: uncompared.length },
      rows: uncomparedRows,
      links: ['#statement-regressions'],
    });
  }
  const regressed = changes.filter((c) => c.ratio >= maxRatio);
  const worst = changes[0]!;
  const rows = firstRows(changes, 15).map((c) => ({
    statement: c.query,
    baseline_mean_ms: round(c.baselineMeanMs, 3),
    peak_mean_ms: round(c.peakMeanMs, 3),
    ratio: round(c.ratio, 2),
    peak_calls: c.peakCalls,
  }));
  return gateResult(
    gate,
    regressed.length === 0 ? 'pass' : 'fail',
    threshold,
    `worst ${times(worst.ratio)} over ${changes.length} statements${uncompared.length ? `; ${uncompared.length} not compared` : ''}`,
    {
      summary:
        (regressed.length === 0
          ? `No statement seen in both runs slowed down past ${maxRatio}x its baseline mean; the largest change is ${times(worst.ratio)}.`
          : `${regressed.length} statement(s) slowed down past ${maxRatio}x their baseline mean: the checklist's rollback trigger.`) +
        notCompared,
      figures: {
        statementsCompared: changes.length,
        regressed: regressed.length,
        worstRatio: round(worst.ratio, 3),
        notCompared: uncompared.length,
      },
      rows: [...rows, ...uncomparedRows],
      links: ['#statement-regressions'],
    },
  );
}

const judged = {
  ...gate,
  run: async (ctx: VerifyContext) =>
    judgeStatements(
      readStatements(ctx.load?.sources[0]?.runDir),
      readStatements(ctx.baseline?.sources[0]?.runDir),
      ctx.criteria.maxDegradationRatio,
    ),
} satisfies Gate<VerifyContext>;

export default withMeasurementValidity(judged, { baseline: true });
