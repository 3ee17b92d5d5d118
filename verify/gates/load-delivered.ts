/**
 * Whether the load generator actually delivered the 10x load it scheduled: completed iterations vs
 * the schedule in load.json, dropped iterations (k6 could not start them: too few VUs, or the
 * target too slow — the coordinated-omission signal), and whether the schedule itself was 10x the
 * baseline rates. A load engine that did not exit 0 (99: thresholds breached; 105 or killed: the run
 * stopped early) is a failure of the run itself. On a target other than this machine, baseline rates
 * that are the kit's defaults make "10x" 10x the kit's laptop figures, not the target's current
 * load: a warning.
 */

import { insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import { percent, round, times } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { isLocalTarget, targetOf, unusableLoad } from '../k6/gate-support.ts';

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
    for (const s of load!.sources) {
      const code = s.load?.exitCode;
      if (code === undefined || code === 0) continue;
      const all = s.breachedThresholds ?? [];
      const breached =
        all.length === 0
          ? ''
          : `; breached: ${all.slice(0, 3).join(', ')}${all.length > 3 ? ` and ${all.length - 3} more` : ''}`;
      failures.push(
        code === null
          ? `the load engine of ${s.instance} was killed before the run ended`
          : `the load engine of ${s.instance} exited ${code} (${code === 99 ? 'thresholds breached' : code === 105 ? 'aborted from outside' : "k6's code for a run that did not end cleanly"})${breached}`,
      );
    }
    const warnings: string[] = [];
    const target = targetOf(load!);
    const defaults = load!.sources.filter((s) => (s.load?.baselineSource ?? 'default') === 'default');
    if (target !== undefined && !isLocalTarget(target) && defaults.length > 0)
      warnings.push(
        `the baseline rates are the kit's defaults${defaults.some((s) => s.load?.baselineSource === undefined) ? ' (load.json does not say where they came from)' : ''} on ${target}: the schedule is 10x the kit's own figures, not that target's current load; give its current rates with K6_BASELINE_RATES or K6_BASELINE_FILE`,
      );
    if (multiplier === undefined)
      warnings.push('load.json has no baselineRates, so the schedule cannot be shown to be 10x the current load');
    const rate = load!.sources.map((s) => s.load?.scheduled?.ratePerJourney ?? {});
    const rows = Object.entries(it.perScenario)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([scenario, completed]) => ({
        scenario,
        completed,
        scheduled_rate_per_s: rate.reduce((a, r) => a + (r[scenario] ?? 0), 0) || null,
        achieved_rate_per_s: load!.durationSeconds > 0 ? round(completed / load!.durationSeconds, 2) : null,
      }));
    const status = failures.length ? 'fail' : warnings.length ? 'warn' : 'pass';
    return {
      ...gate,
      status,
      threshold,
      measured: `${percent(achieved, 1)} of ${it.scheduled} scheduled completed; ${percent(droppedRate, 2)} dropped${multiplier !== undefined ? `; schedule ${times(multiplier, 1)} baseline` : ''}`,
      evidence: {
        summary: failures.length
          ? `The 10x load was not delivered: ${failures.join('; ')}.`
          : warnings.length
            ? `Iterations were delivered as scheduled, but ${warnings.join('; ')}.`
            : `Delivered ${percent(achieved, 1)} of a schedule ${times(multiplier!, 1)} the baseline with ${percent(droppedRate, 2)} dropped.`,
        figures: {
          scheduled: it.scheduled,
          completed: it.completed,
          dropped: it.dropped,
          'achieved rate (/s)': round(it.achievedRate, 2),
          'scheduled peak rate (/s)': it.scheduledRate ?? null,
          'baseline rate (/s)': it.baselineRate ?? null,
          'baseline rates from': [...new Set(load!.sources.map((s) => s.load?.baselineSource ?? 'not recorded'))].join(
            ', ',
          ),
          'engine exit codes': load!.sources
            .map((s) => (s.load?.exitCode === undefined ? 'not recorded' : String(s.load.exitCode ?? 'killed')))
            .join(', '),
          'max VUs': load!.vus.max,
          'VUs allocated': load!.vus.maxAllocated,
        },
        rows,
        links: ['#charts'],
      },
    };
  },
} satisfies Gate<VerifyContext>;
