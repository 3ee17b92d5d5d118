/**
 * Whether the load generator actually delivered the 10x load it scheduled: completed iterations vs
 * the schedule in load.json, dropped iterations (k6 could not start them: too few VUs, or the
 * target too slow — the coordinated-omission signal), and whether the schedule itself was 10x the
 * baseline rates.
 */

import { insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import { percent, round, times } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { unusableLoad } from '../k6/gate-support.ts';

const gate = {
  id: 'load-delivered',
  title: 'Load delivered: 10x arrival rate achieved',
  level: 'error',
  checklist: ['Support 10x current user load', 'Simulate concurrent user load'],
} as const;

export default {
  ...gate,
  async run({ load, criteria }: VerifyContext): Promise<GateResult> {
    const threshold =
      `scheduled rate ≥ ${criteria.peakMultiplier}x baseline; completed ≥ ${percent(criteria.minAchievedRateFraction, 0)} of scheduled; ` +
      `dropped < ${percent(criteria.maxDroppedIterationRate, 0)}`;
    const unusable = unusableLoad(gate, threshold, load, 'peak run');
    if (unusable) return unusable;
    const it = load!.iterations;
    if (it.scheduled === undefined || it.scheduled <= 0) {
      return insufficient(
        gate,
        threshold,
        'load.json of the run does not state the scheduled iterations (scheduled.iterations), so delivery cannot be judged.',
        {
          figures: { completed: it.completed, dropped: it.dropped, 'achieved rate (/s)': it.achievedRate },
        },
      );
    }
    const achieved = it.completed / it.scheduled;
    const droppedRate = it.dropped / it.scheduled;
    const multiplier =
      it.scheduledRate !== undefined && it.baselineRate ? it.scheduledRate / it.baselineRate : undefined;
    const failures: string[] = [];
    if (achieved < criteria.minAchievedRateFraction)
      failures.push(`only ${percent(achieved, 1)} of the scheduled iterations completed`);
    if (droppedRate >= criteria.maxDroppedIterationRate)
      failures.push(`${percent(droppedRate, 2)} of iterations were dropped`);
    // A small tolerance: rates are stored rounded in load.json.
    if (multiplier !== undefined && multiplier < criteria.peakMultiplier * 0.999)
      failures.push(`the schedule was ${times(multiplier)} the baseline, not ${criteria.peakMultiplier}x`);
    const rate = load!.sources.map((s) => s.load?.scheduled?.ratePerJourney ?? {});
    const rows = Object.entries(it.perScenario)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([scenario, completed]) => ({
        scenario,
        completed,
        scheduled_rate_per_s: rate.reduce((a, r) => a + (r[scenario] ?? 0), 0) || null,
        achieved_rate_per_s: load!.durationSeconds > 0 ? round(completed / load!.durationSeconds, 2) : null,
      }));
    const status = failures.length ? 'fail' : multiplier === undefined ? 'warn' : 'pass';
    return {
      ...gate,
      status,
      threshold,
      measured: `${percent(achieved, 1)} of ${it.scheduled} scheduled completed; ${percent(droppedRate, 2)} dropped${multiplier !== undefined ? `; schedule ${times(multiplier, 1)} baseline` : ''}`,
      evidence: {
        summary: failures.length
          ? `The 10x load was not delivered: ${failures.join('; ')}.`
          : multiplier === undefined
            ? 'Iterations were delivered as scheduled, but load.json has no baselineRates, so the schedule cannot be shown to be 10x the current load.'
            : `Delivered ${percent(achieved, 1)} of a schedule ${times(multiplier, 1)} the baseline with ${percent(droppedRate, 2)} dropped.`,
        figures: {
          scheduled: it.scheduled,
          completed: it.completed,
          dropped: it.dropped,
          'achieved rate (/s)': round(it.achievedRate, 2),
          'scheduled peak rate (/s)': it.scheduledRate ?? null,
          'baseline rate (/s)': it.baselineRate ?? null,
          'max VUs': load!.vus.max,
          'VUs allocated': load!.vus.maxAllocated,
        },
        rows,
        links: ['#charts'],
      },
    };
  },
} satisfies Gate<VerifyContext>;
