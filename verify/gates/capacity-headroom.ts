/**
 * How far past the 10x target the service holds: the capacity run's knee (the last step before the
 * first at which an error-level criterion breaks) over the target, against `criteria.capacity.minHeadroom`.
 * Warn level: a thin margin is a decision for the people who sign, not a failed deployment.
 */
import { gateResult, insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import type { Gate, GateResult } from '../gate.ts';

const gate = {
  id: 'capacity-headroom',
  title: 'Headroom over the 10x target (capacity envelope)',
  level: 'warn',
  checklist: ['Support 10x current user load'],
} as const;

export default {
  ...gate,
  async run(context: VerifyContext): Promise<GateResult> {
    const min = context.criteria.capacity.minHeadroom;
    const threshold = `headroom (knee / the ${context.criteria.peakMultiplier}x target) >= ${min}`;
    const e = context.capacity;
    // The capacity run is opt-in (the demo and signoff make one only with --capacity): without one
    // the gate reports at info level, so it neither blocks GO nor passes for an envelope never measured.
    if (!e)
      return insufficient(
        { ...gate, level: 'info' },
        threshold,
        'not measured (optional): no capacity run of this target: `npm run load -- capacity` (or `npm run demo -- --capacity`), then verify picks the newest, or pass --capacity <run folder>',
      );
    const rows = e.steps.map((s) => ({
      step: s.step,
      multiplier: s.multiplier,
      offered_per_s: Math.round(s.offeredRate * 100) / 100,
      achieved_per_s: Math.round(s.achievedRate * 100) / 100,
      dropped: s.droppedIterations,
      failed_rate: Math.round(s.failedRate * 10000) / 10000,
      worst_p95_ms: Math.round(Math.max(0, ...s.endpoints.map((p) => p.p95 ?? 0))),
      max_connections: s.maxConnections,
      status: s.status,
      breaches: [...s.breaches, ...(s.instrumentLimit ? [s.instrumentLimit] : [])].join('; '),
    }));
    const figures = {
      knee: e.knee?.multiplier ?? null,
      headroom: Math.round(e.headroom * 100) / 100,
      headroomIsLowerBound: e.headroomIsLowerBound ? 'yes' : 'no',
      endsBy: e.endsBy,
      steps: e.steps.length,
      firstToBreak: e.firstBreaks[0]?.endpoint ?? null,
    };
    const judged = e.steps.filter((s) => s.status === 'holds' || s.status === 'breaks');
    if (judged.every((s) => s.requests === 0))
      return insufficient(
        gate,
        threshold,
        `the capacity run ${e.runDir} has no step to judge. ${e.problems.join(' ')}`.trim(),
        {
          figures,
          rows,
        },
      );
    const headroom = `${(Math.round(e.headroom * 100) / 100).toFixed(2)}x`;
    const measured = e.knee
      ? `${e.headroomIsLowerBound ? 'at least ' : ''}${headroom} (knee ${e.knee.multiplier}x)`
      : `breaks at the ${context.criteria.peakMultiplier}x target`;
    // A lower bound below the threshold is not a measured shortfall: the run stopped before any break.
    const status = e.headroom >= min ? 'pass' : e.headroomIsLowerBound ? 'insufficient-data' : 'fail';
    const more =
      status === 'insufficient-data'
        ? ` No step broke, but the envelope ends below ${min}x headroom (${e.endsBy === 'instrument-limit' ? "the load generator's limit" : 'the highest step allowed'}): raise --max-rate or add load generators.`
        : '';
    return gateResult(gate, status, threshold, measured, {
      summary: `${e.headline}${more}`,
      figures,
      rows,
      links: ['#capacity'],
    });
  },
} satisfies Gate<VerifyContext>;
