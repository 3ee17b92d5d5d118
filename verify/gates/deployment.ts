/**
 * Did the deployment deploy? The five new tables with the deployment's columns, every trigger the
 * migrations create present, enabled and firing (a probe UPDATE in a rolled-back transaction), and
 * every index present and valid. The expected names come from db/migrations/ itself
 * (verify/checks/deployment-manifest.ts); the catalogue checks are verify/sql/checks/deployment/.
 */

import { deploymentManifest } from '../checks/deployment-manifest.ts';
import { type Finding, finding, findingRow, firstRows, gateResult, insufficient, oneLine } from '../checks/result.ts';
import { probeTriggers } from '../checks/trigger-probe.ts';
import type { VerifyContext } from '../context.ts';
import type { Gate, GateResult } from '../gate.ts';
import { checkFile, runCheck } from '../sql/run.ts';

/** Every deployment finding names its kind: table_missing, trigger_disabled, index_invalid … */
type Problem = { readonly problem: string };

/** What the firing probe (verify/checks/trigger-probe.ts) finds, in a check's words. */
const PROBE = {
  trigger_did_not_fire: {
    title: 'Trigger did not fire',
    level: 'error',
    remediation: 'The trigger function no longer writes the column: re-create it from db/migrations/0013_triggers.sql.',
  },
  trigger_probe_error: {
    title: 'Trigger probe failed',
    level: 'error',
    remediation:
      'Read the error: the probe UPDATE failed inside its rolled-back transaction, so the trigger was not seen firing.',
  },
  trigger_not_exercised: {
    title: 'Trigger not seen firing (no row to probe)',
    level: 'info',
    remediation:
      'Nothing to fix: presence and enabled state are checked; a row in the table lets the probe see it fire.',
  },
} as const;

const probeFinding = (problem: keyof typeof PROBE, object: string, detail: string): Finding<Problem> =>
  finding({ name: 'trigger_probe', ...PROBE[problem], detail, object, metadata: { problem } });

const gate = {
  id: 'deployment',
  title: 'Deployment: new tables, triggers and indexes in place',
  level: 'error',
  checklist: ['5 new tables created', 'All indexes created successfully', 'All triggers operational'],
} as const;

async function run(ctx: VerifyContext): Promise<GateResult> {
  const manifest = deploymentManifest();
  const threshold = `${manifest.tables.length} new tables with their ${manifest.columns.length} columns; ${manifest.triggers.length} triggers present, enabled and firing; ${manifest.indexes.length} indexes present and valid`;
  if (ctx.db === undefined)
    return insufficient(gate, threshold, `no database connection: ${ctx.dbError ?? 'not configured'}`);
  const db = ctx.db;
  let catalogue: Finding<Problem>[];
  try {
    catalogue = [
      ...(await runCheck<Problem>(db, checkFile('deployment', 'tables_and_columns'), [
        JSON.stringify(manifest.columns),
      ])),
      ...(await runCheck<Problem>(db, checkFile('deployment', 'triggers'), [JSON.stringify(manifest.triggers)])),
      ...(await runCheck<Problem>(db, checkFile('deployment', 'indexes'), [JSON.stringify(manifest.indexes)])),
    ];
  } catch (error) {
    return insufficient(gate, threshold, `the catalogue checks could not run: ${oneLine(error)}`);
  }
  // Probe only triggers the catalogue found in place: a missing or disabled one is already a finding.
  const broken = new Set(
    catalogue
      .filter((f) => f.metadata.problem.startsWith('trigger_') || f.metadata.problem === 'table_missing')
      .map((f) => f.object),
  );
  const present = manifest.triggers.filter(
    (t) => !broken.has(`public.${t.table} trigger ${t.trigger}`) && !broken.has(`public.${t.table}`),
  );
  const fired = await probeTriggers(db, present);
  const firing = fired
    .filter((f) => f.outcome === 'did_not_fire' || f.outcome === 'error')
    .map((f) =>
      probeFinding(
        f.outcome === 'error' ? 'trigger_probe_error' : 'trigger_did_not_fire',
        `public.${f.table} trigger ${f.trigger}`,
        f.detail,
      ),
    );
  const unexercised = fired.filter((f) => f.outcome === 'not_exercised');
  const findings = [...catalogue, ...firing];
  const count = (prefix: string) => findings.filter((f) => f.metadata.problem.startsWith(prefix)).length;
  const figures = {
    expectedTables: manifest.tables.length,
    expectedColumns: manifest.columns.length,
    expectedTriggers: manifest.triggers.length,
    expectedIndexes: manifest.indexes.length,
    tableFindings: count('table_') + count('column_'),
    triggerFindings: count('trigger_'),
    indexFindings: count('index_'),
    triggersFired: fired.filter((f) => f.outcome === 'fired').length,
    triggersNotExercised: unexercised.length,
  };
  const notExercised =
    unexercised.length > 0
      ? ` Not exercised (present and enabled, firing not observed): ${unexercised.map((u) => `${u.trigger} (${u.detail})`).join('; ')}.`
      : '';
  const measured = `${figures.tableFindings} table/column, ${figures.triggerFindings} trigger and ${figures.indexFindings} index findings; ${figures.triggersFired}/${manifest.triggers.length} triggers seen firing`;
  return gateResult(gate, findings.length > 0 ? 'fail' : 'pass', threshold, measured, {
    summary:
      findings.length > 0
        ? `Failed: ${findings
            .slice(0, 5)
            .map((f) => `${f.metadata.problem} ${f.object}`)
            .join('; ')}${findings.length > 5 ? `; and ${findings.length - 5} more` : ''}.${notExercised}`
        : `All ${manifest.tables.length} new tables have the deployment's columns; every trigger is enabled and every index valid.${notExercised}`,
    figures,
    rows: [
      ...firstRows(findings, 40),
      ...unexercised.map((u) =>
        probeFinding('trigger_not_exercised', `public.${u.table} trigger ${u.trigger}`, u.detail),
      ),
    ].map(findingRow),
    links: ['#database'],
  });
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
