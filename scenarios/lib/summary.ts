/**
 * What the end of a run writes: the summary data as JSON and the kit's text summary, into
 * K6_SUMMARY_DIR (when set) and on stdout. The k6 adapter returns this map from handleSummary; the
 * kit's engine writes the same files.
 */
import type { LoadPlan } from '../../model/profiles.ts';
import type { ScenarioEnv } from './env.ts';
import { formatSummary, type SummaryData } from './summary-text.ts';

export interface SummaryInput extends SummaryData {
  readonly setup_data?: { readonly seedRunId?: string };
}

export function summaryOutputs(
  data: SummaryInput,
  run: { plan: LoadPlan; env: ScenarioEnv; seedRunId: string | undefined; engine: string },
): Record<string, string> {
  const text = formatSummary(data, {
    profile: run.plan.profile.name,
    engine: run.engine,
    targetUrl: run.env.apiUrl,
    seedRunId: data.setup_data?.seedRunId ?? run.seedRunId,
    scheduled: run.plan.scheduledIterations,
  });
  const out: Record<string, string> = { stdout: text };
  if (run.env.summaryDir !== undefined) {
    const dir = run.env.summaryDir.replace(/\/+$/, '');
    out[`${dir}/k6-summary.json`] = JSON.stringify(data, null, 2);
    out[`${dir}/k6-summary.txt`] = text;
  }
  return out;
}
