/**
 * The capacity envelope: each held step judged against the error-level criteria of model/slo.ts,
 * the knee (the last step before the first one that breaks), the headroom over the 10x target, and
 * per endpoint the first step it breaks at with the statement that took most database time there. Pure: the
 * figures come from steps.ts, so the same run judged twice gives the same envelope.
 */
import type { SuccessCriteria } from '../../model/slo.ts';
import { multiplier } from '../format.ts';
import { generatorLimits } from '../k6/generator-health.ts';
import { generatorSaturation } from './saturation.ts';
import type { CapacityRun, StepFigures, StepStatement } from './steps.ts';

/** `not-reached`: the run stopped (abortOnFail past the knee, or a signal) before the step sent anything. */
export type StepStatus = 'holds' | 'breaks' | 'instrument-limit' | 'beyond-instrument-limit' | 'not-reached';

export interface StepEndpointResult {
  readonly name: string;
  readonly requests: number;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly errorRate: number;
  /** What this endpoint breached in this step: "p95 312 ms", "errors 2.1%". */
  readonly breaches: readonly string[];
}

export interface StepResult {
  readonly step: number;
  readonly multiplier: number;
  readonly holdSeconds: number;
  /** Scheduled and achieved (scheduled minus dropped) arrival rates, iterations per second. */
  readonly offeredRate: number;
  readonly achievedRate: number;
  readonly completedRate: number;
  readonly droppedIterations: number;
  readonly requests: number;
  readonly failedRate: number;
  readonly endpoints: readonly StepEndpointResult[];
  readonly maxConnections: number | null;
  readonly topStatements: readonly StepStatement[];
  readonly errorCodes: StepFigures['errorCodes'];
  readonly status: StepStatus;
  /** The criteria the step breached, in words. */
  readonly breaches: readonly string[];
  /** Why the load generator, not the target, set this step's limit. */
  readonly instrumentLimit?: string;
}

export interface FirstBreak {
  readonly endpoint: string;
  readonly step: number;
  readonly multiplier: number;
  readonly breached: readonly string[];
  /**
   * The statement that took the most execution time per second in that step, and how much that changed
   * from the step before (absent at the first step; negative when a saturated statement fell back).
   */
  readonly statement?: { readonly query: string; readonly msPerSecond: number; readonly grewMsPerSecond?: number };
}

export interface CapacityEnvelope {
  readonly runDir: string;
  readonly engine: string | undefined;
  readonly targetMultiplier: number;
  readonly steps: readonly StepResult[];
  /** The highest step before the first that breaks; undefined when the first breaks. */
  readonly knee: { readonly step: number; readonly multiplier: number } | undefined;
  /** knee / the 10x target; 0 when the first step already breaks. */
  readonly headroom: number;
  /** No step broke within the envelope: the headroom is at least this. */
  readonly headroomIsLowerBound: boolean;
  /** How the envelope ends. */
  readonly endsBy: 'breach' | 'instrument-limit' | 'last-step';
  readonly firstBreaks: readonly FirstBreak[];
  readonly headline: string;
  readonly problems: readonly string[];
}

const pct = (share: number): string => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;

export function judgeCapacity(run: CapacityRun, criteria: SuccessCriteria): CapacityEnvelope {
  const target = criteria.peakMultiplier;
  let ended: 'instrument-limit' | undefined;
  const sent = (s: StepFigures) => s.endpoints.some((e) => e.requests > 0);
  const lastSent = run.steps.findLastIndex(sent);
  const steps: StepResult[] = run.steps.map((s, i) => {
    const result = judgeStep(s, criteria);
    if (i > lastSent && lastSent >= 0) return { ...result, status: 'not-reached', breaches: [] };
    if (ended) return { ...result, status: 'beyond-instrument-limit' };
    const instrument = generatorSaturation(
      {
        scheduledIterations: s.rate * s.holdSeconds,
        droppedIterations: s.droppedIterations,
        slowestP95Ms: result.endpoints.some((e) => e.p95 !== null)
          ? Math.max(...result.endpoints.map((e) => e.p95 ?? 0))
          : null,
        generator: s.generator,
      },
      generatorLimits(criteria),
    );
    if (instrument) {
      ended = 'instrument-limit';
      return { ...result, status: 'instrument-limit', instrumentLimit: instrument };
    }
    return result;
  });
  const judged = steps.filter((s) => s.status === 'holds' || s.status === 'breaks');
  const firstBreaking = judged.find((s) => s.status === 'breaks');
  const kneeStep = firstBreaking ? judged.filter((s) => s.step < firstBreaking.step).at(-1) : judged.at(-1);
  const knee = kneeStep ? { step: kneeStep.step, multiplier: kneeStep.multiplier } : undefined;
  const headroom = knee ? knee.multiplier / target : 0;
  const endsBy = firstBreaking ? 'breach' : ended ? 'instrument-limit' : 'last-step';
  const firstBreaks = endpointFirstBreaks(judged, run.steps);
  const envelope = {
    runDir: run.runDir,
    engine: run.engine,
    targetMultiplier: target,
    steps,
    knee,
    headroom,
    headroomIsLowerBound: !firstBreaking && knee !== undefined,
    endsBy,
    firstBreaks,
    problems: run.problems,
  } as const;
  return { ...envelope, headline: headline(envelope, steps) };
}

function judgeStep(s: StepFigures, criteria: SuccessCriteria): StepResult {
  const requests = s.endpoints.reduce((sum, e) => sum + e.requests, 0);
  const failed = s.endpoints.reduce((sum, e) => sum + e.failed, 0);
  const failedRate = requests > 0 ? failed / requests : 0;
  const offered = s.rate * s.holdSeconds;
  const errorsBreached = failedRate >= criteria.maxFailedRequestRate;
  const endpoints = s.endpoints.map((e) => {
    const errorRate = e.requests > 0 ? e.failed / e.requests : 0;
    const breaches = [
      ...(e.p90 !== null && e.p90 >= criteria.latency.p90Ms ? [`p90 ${Math.round(e.p90)} ms`] : []),
      ...(e.p95 !== null && e.p95 >= criteria.latency.p95Ms ? [`p95 ${Math.round(e.p95)} ms`] : []),
      // The availability criterion is on all requests; the endpoints behind a breach of it are named.
      ...(errorsBreached && errorRate >= criteria.maxFailedRequestRate ? [`errors ${pct(errorRate)}`] : []),
    ];
    return { name: e.name, requests: e.requests, p90: e.p90, p95: e.p95, errorRate, breaches };
  });
  const dropped = offered > 0 ? s.droppedIterations / offered : 0;
  const achievedRate = s.holdSeconds > 0 ? Math.max(0, offered - s.droppedIterations) / s.holdSeconds : 0;
  const breaches = [
    ...endpoints.flatMap((e) => e.breaches.filter((b) => b.startsWith('p9')).map((b) => `${e.name} ${b}`)),
    ...(errorsBreached ? [`failed requests ${pct(failedRate)}`] : []),
    ...(dropped >= criteria.maxDroppedIterationRate ? [`dropped iterations ${pct(dropped)}`] : []),
    ...(s.rate > 0 && achievedRate < criteria.minAchievedRateFraction * s.rate
      ? [`achieved ${pct(achievedRate / s.rate)} of the offered rate`]
      : []),
    ...(s.authFailures > criteria.maxAuthFailures ? [`${s.authFailures} authentication failures`] : []),
    ...(s.rlsLeaks > criteria.maxRlsLeaks ? [`${s.rlsLeaks} RLS leaks`] : []),
    ...(requests === 0 ? ['no request in the step'] : []),
  ];
  return {
    step: s.step,
    multiplier: s.multiplier,
    holdSeconds: s.holdSeconds,
    offeredRate: s.rate,
    achievedRate,
    completedRate: s.holdSeconds > 0 ? s.completedIterations / s.holdSeconds : 0,
    droppedIterations: s.droppedIterations,
    requests,
    failedRate,
    endpoints,
    maxConnections: s.maxConnections,
    topStatements: s.statements.slice(0, 5),
    errorCodes: s.errorCodes,
    status: breaches.length > 0 ? 'breaks' : 'holds',
    breaches,
  };
}

/** Per endpoint, the first judged step it breaks at, earliest first. */
function endpointFirstBreaks(steps: readonly StepResult[], figures: readonly StepFigures[]): FirstBreak[] {
  const seen = new Set<string>();
  const breaks: FirstBreak[] = [];
  const statementsOf = (step: number | undefined) => figures.find((f) => f.step === step)?.statements;
  for (const [i, s] of steps.entries()) {
    for (const e of s.endpoints) {
      if (e.breaches.length === 0 || seen.has(e.name)) continue;
      seen.add(e.name);
      const statement = heaviest(statementsOf(steps[i - 1]?.step), statementsOf(s.step) ?? []);
      breaks.push({
        endpoint: e.name,
        step: s.step,
        multiplier: s.multiplier,
        breached: e.breaches,
        ...(statement ? { statement } : {}),
      });
    }
  }
  return breaks;
}

/**
 * The statement that took the most execution time per second in a step, with its change from the
 * step before. Why the heaviest and not the one that grew most: a statement that saturates (rows
 * queued on one lock, a full pool) stops growing exactly when its endpoint breaks, and the statement
 * that then grows most is a cheap bystander.
 */
function heaviest(before: readonly StepStatement[] | undefined, at: readonly StepStatement[]): FirstBreak['statement'] {
  const top = at[0]; // a step's statements come heaviest first (steps.ts statementsBetween)
  if (!top) return undefined;
  const earlier = before?.find((s) => s.queryid === top.queryid)?.msPerSecond ?? 0;
  return {
    query: top.query,
    msPerSecond: top.msPerSecond,
    ...(before ? { grewMsPerSecond: top.msPerSecond - earlier } : {}),
  };
}

function headline(e: Omit<CapacityEnvelope, 'headline'>, steps: readonly StepResult[]): string {
  const limit = steps.find((s) => s.status === 'instrument-limit');
  const instrument = limit
    ? `; at ${multiplier(limit.multiplier)} the load generator reached its own limit (${limit.instrumentLimit}), which ends the envelope`
    : '';
  const first = e.firstBreaks[0];
  const behind = first?.statement ? `, behind \`${first.statement.query.slice(0, 80)}\`` : '';
  const firstText = first
    ? `; first to break: ${first.endpoint} ${first.breached.join(' and ')} at ${multiplier(first.multiplier)}${behind}`
    : '';
  if (!e.knee) {
    const s = steps.find((st) => st.status === 'breaks');
    if (!s) return `No step could be judged${instrument}.`;
    return `Breaks at the ${multiplier(e.targetMultiplier)} target itself (${s.breaches.slice(0, 3).join(', ')})${firstText}.`;
  }
  const room = `${(Math.round(e.headroom * 10) / 10).toFixed(1)}x headroom over the ${multiplier(e.targetMultiplier)} target`;
  if (e.endsBy === 'breach') {
    const broke = steps.find((s) => s.status === 'breaks')!;
    const why =
      first && first.step === broke.step
        ? firstText
        : `; at ${multiplier(broke.multiplier)}: ${broke.breaches.slice(0, 3).join(', ')}`;
    return `Holds up to ${multiplier(e.knee.multiplier)} baseline (${room})${why}.`;
  }
  return `Holds at every step up to ${multiplier(e.knee.multiplier)} baseline (at least ${room}${e.endsBy === 'last-step' ? ', the highest step the run was allowed' : ''})${instrument}.`;
}
