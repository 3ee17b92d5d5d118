/**
 * handleSummary: the legacy summary object as JSON and the kit's text summary, into K6_SUMMARY_DIR
 * (when set) and on stdout.
 */
import { manifestHeader, env } from './context.ts';
import { plan } from './run.ts';
import { formatSummary, type SummaryData } from './summary-text.ts';

export function handleSummary(data: SummaryData & { setup_data?: { seedRunId?: string } }): Record<string, string> {
  const text = formatSummary(data, {
    profile: plan.profile.name,
    targetUrl: env.apiUrl,
    seedRunId: data.setup_data?.seedRunId ?? manifestHeader.runId,
    scheduled: plan.scheduledIterations,
  });
  const out: Record<string, string> = { stdout: text };
  if (env.summaryDir !== undefined) {
    const dir = env.summaryDir.replace(/\/+$/, '');
    out[`${dir}/k6-summary.json`] = JSON.stringify(data, null, 2);
    out[`${dir}/k6-summary.txt`] = text;
  }
  return out;
}
