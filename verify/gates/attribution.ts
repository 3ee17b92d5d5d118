/**
 * Affiliate attribution as the app does it: the load's postback journey plants a mix of postbacks
 * (scenarios/lib/postback.ts) and records each with the answer it owes (`aclue_postbacks`); this
 * gate reconciles what the app answered and stored against that truth. Every planted conversion on
 * its own click once with the exact commission, every replay idempotent, every refusal (late,
 * unknown click, forged signature) refused and kept or not as it must be, the load's clicks
 * recorded, and the app's own statistics endpoint equal to the truth's sums for every user the
 * postbacks named. The seeded history is the attribution-history gate's. Checks in
 * verify/sql/checks/attribution/ (load clicks) and its postbacks/; sums and expected statistics in
 * verify/sql/queries/attribution/.
 */

import { routePath, routes } from '../../model/target.ts';
import { type PostbackKind, postbackKinds, postbackPlants } from '../../scenarios/lib/postback.ts';
import { APP_CALLS_IN_FLIGHT } from '../checks/app-probe.ts';
import {
  type FindingRow,
  finding,
  findingRow,
  firstRows,
  gateResult,
  insufficient,
  oneLine,
} from '../checks/result.ts';
import { mintUserToken, NO_TOKEN_KEY } from '../checks/tokens.ts';
import { judgedRuns } from '../checks/truth.ts';
import type { PlantedPostback, VerifyContext } from '../context.ts';
import { decimal } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { checkFiles, queryFile, runCheck, runQuery } from '../sql/run.ts';

/** What every attribution check says beside its words (the SQL checks' metadata). */
type Failure = {
  failure_class: string;
  kind: string;
  click_id: string | null;
  order_id: string | null;
};
type FailureRow = FindingRow<Failure>;
interface Totals {
  planted_conversions: number;
  recorded_conversions: number;
  planted_commission: string;
  recorded_commission: string;
  planted_revenue: string;
}
interface ExpectedStats {
  user_id: string;
  expected_conversions: number;
  expected_commission: string;
  planted_conversions: number;
}

const gate = {
  id: 'attribution',
  title: 'Affiliate attribution and revenue, as the app processes postbacks',
  level: 'error',
  checklist: [
    'Affiliate attribution working 100%',
    'Conversion tracking operational',
    'Revenue reporting accurate',
    'Affiliate attribution working',
  ],
} as const;

const THRESHOLD =
  "every postback the load planted answered and stored as planted: conversions on their own click once with the exact commission, replays counted once, late / unknown-click / forged postbacks refused; load clicks recorded; the app's statistics equal the truth's sums";
export const FAILURE_CLASSES = [
  'answer',
  'missing',
  'incomplete',
  'misattributed',
  'commission',
  'duplicate',
  'expired',
  'orphan',
  'unsigned',
  'not_kept',
  'revenue',
] as const;
/** The statistics endpoint's longest period: it covers the seeded history and the load alike. */
export const STATS_DAYS = 3650;

const cents = (decimal: string): number => Math.round(Number(decimal) * 100);

/** Plants answered otherwise than their kind owes (status, and the answer's `status` field). */
function wrongAnswers(plants: readonly PlantedPostback[]): FailureRow[] {
  return plants.flatMap((p) => {
    const owed = postbackPlants[p.kind as PostbackKind];
    if (owed === undefined || (p.status === owed.status && (owed.outcome === '' || p.outcome === owed.outcome)))
      return [];
    return [
      findingRow(
        finding({
          name: 'postback_answers',
          title: 'Postback answered otherwise than owed',
          level: 'error',
          detail: `answered ${p.status}${p.outcome === '' ? '' : ` "${p.outcome}"`}, owed ${owed.status}${owed.outcome === '' ? '' : ` "${owed.outcome}"`}`,
          remediation:
            'Answer each postback with the status and outcome a network expects (docs/gates/attribution.md).',
          object: `order ${p.orderId}`,
          metadata: { failure_class: 'answer', kind: p.kind, click_id: p.clickId, order_id: p.orderId },
        }),
      ),
    ];
  });
}

const statisticsFinding = (e: ExpectedStats, detail: string): FailureRow =>
  findingRow(
    finding({
      name: 'statistics_match_truth',
      title: "The app's statistics differ from the truth's sums",
      level: 'error',
      detail,
      remediation: 'Sum what is stored: the statistics endpoint must count every conversion and its commission.',
      object: `user ${e.user_id}`,
      metadata: { failure_class: 'revenue', kind: 'statistics', click_id: null, order_id: null },
    }),
  );

/** The app's own figures (GET /affiliate/stats/) as each user, against the truth's. */
async function statisticsRows(ctx: VerifyContext, expected: readonly ExpectedStats[]): Promise<FailureRow[]> {
  const app = ctx.app!;
  const api = ctx.api!;
  const rows: FailureRow[] = [];
  const queue = [...expected];
  const worker = async () => {
    for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
      const token = await mintUserToken(api, e.user_id);
      const url = `${app.url}${routePath(routes.affiliateStats)}?days=${STATS_DAYS}&authorization=${encodeURIComponent(`Bearer ${token}`)}`;
      const res = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(30_000),
      }).catch((error: Error) => error);
      // No answer (a timeout, a reset connection) is the app failing to report revenue: one user's finding.
      if (res instanceof Error) {
        rows.push(
          statisticsFinding(
            e,
            `GET ${routePath(routes.affiliateStats)} as user ${e.user_id} got no answer: ${oneLine(res)}`,
          ),
        );
        continue;
      }
      const body = (await res.json().catch(() => undefined)) as
        | { conversions?: unknown; actual_commission?: unknown }
        | undefined;
      const said = {
        conversions: Number(body?.conversions),
        commission: Math.round(Number(body?.actual_commission) * 100),
      };
      if (
        res.status !== 200 ||
        said.conversions !== e.expected_conversions ||
        said.commission !== cents(e.expected_commission)
      ) {
        rows.push(
          statisticsFinding(
            e,
            res.status !== 200
              ? `GET ${routePath(routes.affiliateStats)} as user ${e.user_id} answered ${res.status}`
              : `user ${e.user_id}: statistics say ${said.conversions} conversions, commission ${Number.isNaN(said.commission) ? 'none' : decimal(said.commission / 100, 2)}; truth ${e.expected_conversions}, ${decimal(cents(e.expected_commission) / 100, 2)} (${e.planted_conversions} planted by the load)`,
          ),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: APP_CALLS_IN_FLIGHT }, worker));
  return rows.sort((a, b) => a.detail.localeCompare(b.detail));
}

async function run(ctx: VerifyContext): Promise<GateResult> {
  if (ctx.db === undefined)
    return insufficient(gate, THRESHOLD, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  const db = ctx.db;
  // Kept outside the try: a step that fails later must not throw away the failures already found.
  const failures: FailureRow[] = [];
  try {
    const truth = await judgedRuns(db, ctx.seedRunIds);
    // Late plants name the judged run's aged clicks: without that run nothing says they were late.
    if (truth.complete.length === 0)
      return insufficient(gate, THRESHOLD, `no judged seed run: ${truth.problems.join('; ')}`);
    const all = ctx.load?.postbacks ?? [];
    if (all.length === 0) {
      return insufficient(
        gate,
        THRESHOLD,
        ctx.load === undefined
          ? 'no load run: conversions are judged on the postbacks the load plants (npm run load -- <profile>, then verify --run)'
          : 'the load sent no postbacks (k6 aclue_postbacks): run a profile with the networkPostback journey',
      );
    }
    // A late plant is only late if the app's window has passed since its click when the load ran.
    const loadStart = Date.parse(ctx.load?.startedAt ?? '') || Date.now();
    const windowMs = ctx.config.attributionWindowDays * 86_400_000;
    const notLate = all.filter((p) => p.kind === 'late' && !(Date.parse(p.clickedAt) + windowMs < loadStart));
    const plants = all.filter((p) => !notLate.includes(p));
    const notes: string[] = [];
    if (notLate.length > 0)
      notes.push(
        `${notLate.length} late plants not judged: their click is inside the ${ctx.config.attributionWindowDays}-day window`,
      );
    const byKind = Object.fromEntries(postbackKinds.map((k) => [k, plants.filter((p) => p.kind === k).length]));
    const unplanted = postbackKinds.filter((k) => byKind[k] === 0);
    if (unplanted.length > 0)
      notes.push(
        `no ${unplanted.join(', ')} postbacks planted${unplanted.includes('late') ? " (late ones need the seed manifest's agedClicks)" : ''}`,
      );

    const asRows = JSON.stringify(
      plants.map((p) => ({
        kind: p.kind,
        click_id: p.clickId,
        order_id: p.orderId,
        user_id: p.userId,
        amount: p.amount,
        commission: p.commission,
      })),
    );
    failures.push(...wrongAnswers(plants));
    const loadClicks = [...(ctx.load?.clickIds ?? [])];
    for (const check of checkFiles('attribution'))
      failures.push(...(await runCheck<Failure>(db, check, [truth.complete, loadClicks])).map(findingRow));
    for (const check of checkFiles('attribution/postbacks'))
      failures.push(...(await runCheck<Failure>(db, check, [asRows])).map(findingRow));
    const totals = (await runQuery<Totals>(db, queryFile('attribution', 'postback_sums'), [asRows]))[0]!;
    if (ctx.app === undefined) notes.push(`revenue figures not asked: ${ctx.appError ?? 'no App API URL'}`);
    else if (ctx.api?.userTokens === undefined) notes.push(`revenue figures not asked: ${NO_TOKEN_KEY}`);
    const expected = await runQuery<ExpectedStats>(db, queryFile('attribution', 'expected_statistics'), [
      asRows,
      STATS_DAYS,
    ]);
    if (ctx.app !== undefined && ctx.api?.userTokens !== undefined)
      failures.push(...(await statisticsRows(ctx, expected)));

    const counts = Object.fromEntries(
      FAILURE_CLASSES.map((c) => [c, failures.filter((f) => f.failure_class === c).length]),
    );
    const commissionDiff = (cents(totals.recorded_commission) - cents(totals.planted_commission)) / 100;
    const failed = failures.length > 0 || commissionDiff !== 0;
    const classesHit = FAILURE_CLASSES.filter((c) => (counts[c] ?? 0) > 0).map((c) => `${counts[c]} ${c}`);
    // The app's own revenue figures are part of the rule: without the API to ask them, nothing passes.
    if (!failed && ctx.api === undefined)
      return insufficient(gate, THRESHOLD, `Not judged: ${notes.join('; ')}.`, {
        figures: { plantedPostbacks: plants.length, notJudged: notes.join('; ') },
      });
    const status = failed ? 'fail' : notes.length > 0 ? 'warn' : 'pass';
    return gateResult(
      gate,
      status,
      THRESHOLD,
      `${plants.length} planted postbacks (${postbackKinds.map((k) => `${byKind[k]} ${k}`).join(', ')}); ${totals.recorded_conversions}/${totals.planted_conversions} conversions stored; ` +
        `commission ${totals.recorded_commission} vs planted ${totals.planted_commission}; statistics of ${expected.length} users${classesHit.length > 0 ? `; ${classesHit.join(', ')}` : ''}`,
      {
        summary: failed
          ? `Failed: ${[...classesHit, ...(commissionDiff === 0 ? [] : [`commission off by ${decimal(commissionDiff, 2)}`])].join(', ')}. First: ${failures
              .slice(0, 3)
              .map((f) => `${f.failure_class} ${f.kind} ${f.order_id ?? f.click_id ?? ''} (${f.detail})`)
              .join('; ')}.`
          : `Every planted postback was answered and stored as planted; the app's statistics equal the truth's sums.${notes.length > 0 ? ` Not judged: ${notes.join('; ')}.` : ''}`,
        figures: {
          seedRuns: truth.complete.join(', '),
          plantedPostbacks: plants.length,
          ...Object.fromEntries(postbackKinds.map((k) => [`planted_${k}`, byKind[k] ?? 0])),
          loadClicks: loadClicks.length,
          ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [`failures_${k}`, v])),
          plantedConversions: totals.planted_conversions,
          recordedConversions: totals.recorded_conversions,
          plantedCommission: totals.planted_commission,
          recordedCommission: totals.recorded_commission,
          commissionDifference: commissionDiff,
          plantedRevenue: totals.planted_revenue,
          statisticsUsers: ctx.app === undefined ? null : expected.length,
          notJudged: notes.join('; ') || null,
        },
        rows: FAILURE_CLASSES.flatMap((c) =>
          firstRows(
            failures.filter((f) => f.failure_class === c),
            10,
          ),
        ),
        links: ['#attribution'],
      },
    );
  } catch (error) {
    if (failures.length === 0)
      return insufficient(gate, THRESHOLD, `attribution could not be reconciled: ${oneLine(error)}`);
    const classesHit = FAILURE_CLASSES.flatMap((c) => {
      const n = failures.filter((f) => f.failure_class === c).length;
      return n > 0 ? [`${n} ${c}`] : [];
    });
    return gateResult(gate, 'fail', THRESHOLD, `${classesHit.join(', ')} before reconciliation stopped`, {
      summary: `Failed: ${classesHit.join(', ')}. First: ${failures
        .slice(0, 3)
        .map((f) => `${f.failure_class} ${f.kind} ${f.order_id ?? f.click_id ?? ''} (${f.detail})`)
        .join('; ')}. The rest was not reconciled: ${oneLine(error)}.`,
      figures: {
        ...Object.fromEntries(
          FAILURE_CLASSES.map((c) => [`failures_${c}`, failures.filter((f) => f.failure_class === c).length]),
        ),
        notJudged: `reconciliation stopped: ${oneLine(error)}`,
      },
      rows: FAILURE_CLASSES.flatMap((c) =>
        firstRows(
          failures.filter((f) => f.failure_class === c),
          10,
        ),
      ),
      links: ['#attribution'],
    });
  }
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
