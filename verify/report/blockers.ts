/**
 * "What blocks sign-off": the gates that keep the verdict from GO, each in one sentence with what to
 * do and where to look. The same gates as the verdict's reasons (any non-info gate not passing), so
 * the list and the verdict can never disagree.
 */
import type { GateResult } from '../gate.ts';
import { fixAnchor, fixBlocksFor } from './fix-links.ts';
import { escapeHtml, statusBadge } from './markup.ts';
import type { FixesSummary } from './summary-schema.ts';

type Blocking = Pick<GateResult, 'id' | 'title' | 'level' | 'status' | 'measured' | 'evidence'>;

/** What a person does next when a gate fails or warns; kept beside the gate ids it speaks of. */
const nextStep: Readonly<Record<string, string>> = {
  'api-latency':
    'Find the slow endpoints in the p95 chart, look up their statements in the Database section, fix the query or index and run the peak load again.',
  availability:
    'Read the failing statuses per endpoint, fix the errors or authentication failures in the app and run the load again.',
  'load-delivered':
    'Give the load more virtual users or machines (npm run distribute) until the 10x schedule is delivered; latency at less than 10x proves nothing.',
  degradation:
    'Fix the endpoints that slowed down most against the baseline, then run the baseline and peak profiles again.',
  database:
    'Add the indexes or connection headroom the evidence names, then run the load again so the statistics start from zero.',
  deployment: 'Apply the missing tables, columns, triggers or indexes from db/migrations/ and verify again.',
  monitoring: 'Install pg_stat_statements and create the monitoring view as the evidence describes.',
  'statement-regressions': 'Read the regressed statements and their plans, fix the query or index and compare again.',
  'preference-accuracy':
    "Check the app's preference calculation against the archetypes that score lowest in the chart.",
  'recommendation-accuracy': 'Check how recommendations use the preferences for the worst users listed.',
  attribution: 'Fix the postback handling for the failure classes listed; each row names its click and order.',
  'attribution-history': 'Reconcile the seeded clicks and conversions listed with the seed truth.',
  'real-data': 'Store the missing writes and replace canned responses with real queries, as the rows show.',
  security: 'Close the RLS cells and lints listed; each row names the table and policy.',
  'data-integrity': 'Repair the rows listed and add the constraint that would have refused them.',
  'rollback-drill': 'Fix the rollback statements that failed and run npm run rollback-drill again.',
  'capacity-headroom':
    'Read the capacity section: fix the first endpoint to break (its statement is named) and run npm run load -- capacity again.',
};

export function blockingGates<G extends Blocking>(gates: readonly G[]): G[] {
  return gates.filter((g) => g.level !== 'info' && g.status !== 'pass');
}

/** The sentence's verb: what the status means for signing. */
const said: Record<GateResult['status'], string> = {
  fail: 'failed',
  warn: 'needs a judgement',
  'insufficient-data': 'could not be judged',
  pass: 'passed',
};

function what(gate: Blocking): string {
  // Without evidence the next step is to get it, and the gate's summary says how.
  if (gate.status === 'insufficient-data') return gate.evidence.summary;
  return nextStep[gate.id] ?? 'Read its evidence below.';
}

/** Links to the gate's fix blocks when fixes.sql has any, and always to its evidence. */
function links(gate: Blocking, fixes: FixesSummary | undefined): string {
  const blocks = fixBlocksFor(gate, fixes).map(
    (b) => `<a href="${escapeHtml(fixAnchor(b))}">fix ${escapeHtml(b.id)}</a>`,
  );
  return [...blocks, `<a href="#gate-${escapeHtml(gate.id)}">Evidence</a>`].join(' · ');
}

export function blockersSection(gates: readonly Blocking[], fixes?: FixesSummary): string {
  const blocking = blockingGates(gates);
  if (blocking.length === 0)
    return '<section id="blockers"><h2>What blocks sign-off</h2><p>Nothing: every gate passed.</p></section>';
  const items = blocking
    .map((g) => {
      const weight =
        g.level === 'error' && g.status === 'fail' ? 'blocks sign-off (NO-GO)' : 'makes the verdict CONDITIONAL';
      return (
        `<li data-gate="${escapeHtml(g.id)}">${statusBadge(g.status)} <b>${escapeHtml(g.title)}</b> ${said[g.status]} and ${weight}: ${escapeHtml(g.measured)}.` +
        `<br><b>What to do:</b> ${escapeHtml(what(g))} ${links(g, fixes)}</li>`
      );
    })
    .join('\n');
  return `<section id="blockers"><h2>What blocks sign-off</h2><ul>${items}</ul></section>`;
}
