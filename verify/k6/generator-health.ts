/**
 * Measurement validity: was the load generator healthy enough for its latency figures to be the
 * app's? A starved generator (CPU-bound, GC-bound, or its process stopped) starts iterations late
 * and reads answers late, so its latencies and percentiles grow with its own trouble; judging an app
 * on them turns a healthy app into a NO-GO (or, with drops, hides load that was never sent).
 *
 * One judgement over any span of the run's windows (the whole run, or one step of a stepped
 * profile), from the kit engine's own samples (event-loop delay, CPU share, schedule lag; engine/
 * health.ts) and from what k6 gives as well (dropped iterations, VUs all busy at their maximum).
 * The latency gates ask it first and answer insufficient-data, naming the reason and the remedy,
 * when the generator was saturated.
 */
import type { SuccessCriteria } from '../../model/slo.ts';
import { insufficient } from '../checks/result.ts';
import type { LoadEvidence, VerifyContext, WindowStats } from '../context.ts';
import { ms, percent } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { Histogram } from './histogram.ts';

export type GeneratorLimits = SuccessCriteria['generator'] & Pick<SuccessCriteria, 'maxDroppedIterationRate'>;

export const generatorLimits = (criteria: SuccessCriteria): GeneratorLimits => ({
  ...criteria.generator,
  maxDroppedIterationRate: criteria.maxDroppedIterationRate,
});

export interface GeneratorJudgement {
  /** `kit-engine`: the engine's own samples were there; `k6`: only drops and VUs could be judged. */
  readonly source: 'kit-engine' | 'k6';
  /** The generator's own limits crossed: every latency it measured is inflated by its trouble. */
  readonly saturated: boolean;
  /** One phrase per own limit crossed, e.g. "event-loop p99 180 ms (limit 50 ms)". */
  readonly reasons: readonly string[];
  /** Drops over the limit, in a phrase: the slowest moments went unmeasured (figures optimistic). */
  readonly undersampled: string | undefined;
  /** The judged figures (null: not recorded by this engine), keyed as the report labels them. */
  readonly figures: {
    readonly 'generator event-loop p99 (ms)': number | null;
    readonly 'generator event-loop max (ms)': number | null;
    readonly 'generator CPU (share of a core)': number | null;
    readonly 'generator VUs busy (share)': number | null;
    readonly 'schedule lag p95 (ms)': number | null;
    readonly 'dropped share': number;
    /** 1 when every allocated VU was busy in some window (k6's sign of a pool at its maxVUs). */
    readonly 'VUs all busy': number | null;
  };
}

/** Whole run, or the windows whose start lies in [from, to) (Unix seconds). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** The 95th percentile of per-window figures, by nearest rank: one bad window in twenty passes. */
function p95(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)]!;
}

function present(windows: readonly WindowStats[], pick: (w: WindowStats) => number | null | undefined): number[] {
  return windows.map(pick).filter((v): v is number => typeof v === 'number');
}

/**
 * What the generator recorded over a span: its per-second health samples (the highest of the
 * instances' in each second), how late its iterations started, and its drops. The whole run's come
 * from verify's windows, a capacity step's from its own samples: one judgement for both.
 */
export interface GeneratorReadings {
  readonly eventLoopP99: readonly number[];
  readonly eventLoopMax: readonly number[];
  readonly cpu: readonly number[];
  readonly vusBusy: readonly number[];
  readonly scheduleLag: Histogram;
  readonly dropped: number;
  /** Iterations completed and dropped: every start the schedule asked for. */
  readonly started: number;
  /** 1 when every allocated VU was busy in some second; null when the allocation is unknown. */
  readonly allBusy: 0 | 1 | null;
}

export function judgeGenerator(
  load: Pick<LoadEvidence, 'windows' | 'vus'>,
  limits: GeneratorLimits,
  span?: Span,
): GeneratorJudgement {
  const windows = span ? load.windows.filter((w) => w.t >= span.from && w.t < span.to) : load.windows;
  const scheduleLag = new Histogram(7);
  for (const w of windows) if (w.scheduleLagHistogram) scheduleLag.add(Histogram.decode(w.scheduleLagHistogram));
  const dropped = windows.reduce((a, w) => a + w.droppedIterations, 0);
  const allocated = load.vus.maxAllocated;
  return judgeReadings(
    {
      eventLoopP99: present(windows, (w) => w.eventLoopP99),
      eventLoopMax: present(windows, (w) => w.eventLoopMax),
      cpu: present(windows, (w) => w.cpu),
      vusBusy: present(windows, (w) => w.vusBusy),
      scheduleLag,
      dropped,
      started: windows.reduce((a, w) => a + w.iterations, 0) + dropped,
      allBusy: allocated === null || allocated === 0 ? null : windows.some((w) => (w.vus ?? 0) >= allocated) ? 1 : 0,
    },
    limits,
  );
}

/** The generator's own limits against what it recorded over a span. */
export function judgeReadings(r: GeneratorReadings, limits: GeneratorLimits): GeneratorJudgement {
  const loopP99 = p95(r.eventLoopP99);
  const cpu = p95(r.cpu);
  const busy = p95(r.vusBusy);
  const lagP95 = r.scheduleLag.count > 0 ? r.scheduleLag.percentile(0.95) : null;
  const droppedShare = r.started === 0 ? 0 : r.dropped / r.started;

  const reasons: string[] = [];
  if (loopP99 !== null && loopP99 > limits.maxEventLoopP99Ms)
    reasons.push(`event-loop p99 ${ms(loopP99)} (limit ${limits.maxEventLoopP99Ms} ms)`);
  if (cpu !== null && cpu > limits.maxCpuShare)
    reasons.push(`CPU ${percent(cpu)} of one core (limit ${percent(limits.maxCpuShare)})`);
  if (lagP95 !== null && lagP95 > limits.maxScheduleLagP95Ms)
    reasons.push(`iterations started late: schedule lag p95 ${ms(lagP95)} (limit ${limits.maxScheduleLagP95Ms} ms)`);
  const undersampled =
    droppedShare > limits.maxDroppedIterationRate
      ? `${percent(droppedShare)} of the scheduled iterations dropped (limit ${percent(limits.maxDroppedIterationRate)})${r.allBusy === 1 ? ', with every VU busy' : ''}`
      : undefined;
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    source: loopP99 !== null || lagP95 !== null ? 'kit-engine' : 'k6',
    saturated: reasons.length > 0,
    reasons,
    undersampled,
    figures: {
      'generator event-loop p99 (ms)': round(loopP99),
      'generator event-loop max (ms)': r.eventLoopMax.length ? Math.max(...r.eventLoopMax) : null,
      'generator CPU (share of a core)': round(cpu),
      'generator VUs busy (share)': round(busy),
      'schedule lag p95 (ms)': round(lagP95),
      'dropped share': round(droppedShare)!,
      'VUs all busy': r.allBusy,
    },
  };
}

export const SATURATION_REMEDY = 'run it on a bigger machine, with --instances N, or on k8s';

/**
 * The latency gates' measurement-validity check, applied to the result they computed from `load`
 * (named `what` in the answer). A saturated generator (its own event loop, CPU or schedule lag over
 * the limits) inflates every latency it measures: no verdict, insufficient-data naming the reason
 * and the remedy. Dropped iterations are the other way round: the slowest moments went unmeasured,
 * so the figures are optimistic; a pass is not given on them, a fail (slow even so) stands, and so
 * an app's own slowness that exhausts the VUs is still judged as the app's. Undefined: the result
 * stands.
 */
export function invalidMeasurement(
  result: GateResult,
  load: LoadEvidence | undefined,
  criteria: SuccessCriteria,
  what = 'run',
): GateResult | undefined {
  // A summary has no windows to judge the generator by; an unjudged result has nothing to withdraw.
  if (load?.kind !== 'raw' || result.status === 'insufficient-data') return undefined;
  const judgement = judgeGenerator(load, generatorLimits(criteria));
  const { saturated, reasons, undersampled } = judgement;
  if (!saturated && !(undersampled && result.status === 'pass')) return undefined;
  const summary = saturated
    ? `Not judged: the load generator of the ${what} was saturated (${reasons.join('; ')}), so its latencies measure the generator as much as the app; ${SATURATION_REMEDY}.`
    : `Not judged: ${undersampled} in the ${what}, so its slowest moments went unmeasured and a pass cannot be given on the rest; raise maxVUs, or ${SATURATION_REMEDY}.`;
  return insufficient(result, result.threshold, summary, { figures: judgement.figures, links: ['#charts'] });
}

/**
 * A latency gate with the validity check in front of its verdict: the run judged (and, with
 * `baseline`, the run it is compared with) must have had a healthy generator.
 */
export function withMeasurementValidity<G extends Gate<VerifyContext>>(
  gate: G,
  options: { baseline?: boolean } = {},
): G {
  return {
    ...gate,
    async run(ctx: VerifyContext): Promise<GateResult> {
      const result = await gate.run(ctx);
      return (
        invalidMeasurement(result, ctx.load, ctx.criteria, 'peak run') ??
        (options.baseline ? invalidMeasurement(result, ctx.baseline, ctx.criteria, 'baseline run') : undefined) ??
        result
      );
    },
  };
}
