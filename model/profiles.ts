/**
 * Named load profiles and the journey mix they drive, as data.
 *
 * Must know: runtime-neutral (no node:* or k6/* imports). The k6 entry scripts, `scripts/load.ts`
 * and the tests all resolve a profile through `planLoad`, so "what was scheduled" is computed in
 * one place. Rates are integer iterations per minute per journey because k6's arrival-rate
 * executors take an integer `rate` per `timeUnit`; per-minute keeps fractional per-second rates exact.
 */

/** The user journeys; each is one k6 scenario and one exported function of the entry scripts. */
export const journeyNames = [
  'swipingUser',
  'returningUser',
  'anonymousBrowser',
  'networkPostback',
  'rlsProbe',
] as const;
export type JourneyName = (typeof journeyNames)[number];

/** Iterations per minute for each journey. */
export type JourneyRates = Readonly<Record<JourneyName, number>>;

/**
 * The current production load ("baseline"), iterations per minute. Sized for the local stack on two
 * cores shared with k6: 2 iterations/s in total (about 7 requests/s), so peak at 10x (about 70
 * requests/s, measured) stays deliverable. Staging teams set their own with K6_BASELINE_RATES or K6_BASELINE_FILE.
 */
export const defaultBaselineRates: JourneyRates = {
  swipingUser: 48,
  returningUser: 24,
  anonymousBrowser: 36,
  networkPostback: 6,
  rlsProbe: 6,
};

/** What the journeys do; read by the journeys themselves and by the VU sizing below. */
export const journeyBehaviour = {
  /** swipes in one swipe session (the real app expects 20; a short visit is the common case) */
  swipesPerSession: 6,
  /** `limit` of the product list a swiping user loads */
  productListLimit: 20,
  /** share of swiping iterations that open one product's detail page */
  detailViewShare: 0.3,
  /** share of swiping iterations that click through to the merchant */
  affiliateClickShare: 0.2,
  /** share of returning-user iterations that create a gift link */
  giftLinkShare: 0.25,
  /** `limit` of the recommendation list */
  recommendationLimit: 10,
  /** `limit` of the anonymous browser's product page */
  catalogueLimit: 24,
  /** commission the network reports on a converted order, as a share of its amount */
  postbackCommissionRate: 0.075,
  /**
   * share of postback iterations that, beside their conversion, also plant each edge case the app
   * must handle (scenarios/lib/postback.ts); the first iteration plants every one, so a short run
   * judges them all
   */
  postbackPlantShares: { duplicate: 0.2, bad_signature: 0.1, unknown_click: 0.1, late: 0.1 },
} as const;

/**
 * Requests and think pauses per iteration (upper bounds), for sizing pre-allocated VUs from the
 * expected iteration time. Kept beside the behaviour it summarises.
 */
export const journeyShapes: Readonly<Record<JourneyName, { requests: number; thinkPauses: number }>> = {
  swipingUser: { requests: 4 + journeyBehaviour.swipesPerSession, thinkPauses: journeyBehaviour.swipesPerSession + 1 },
  returningUser: { requests: 4, thinkPauses: 2 },
  anonymousBrowser: { requests: 2, thinkPauses: 1 },
  // a click, its conversion and at most one of each planted edge case
  networkPostback: { requests: 6, thinkPauses: 1 },
  rlsProbe: { requests: 5, thinkPauses: 0 },
};

export const profileNames = ['smoke', 'baseline', 'peak', 'stress', 'spike', 'soak', 'capacity'] as const;
export type ProfileName = (typeof profileNames)[number];

/** Ramp linearly to `multiplier` x baseline over `seconds`. */
export interface Stage {
  readonly multiplier: number;
  readonly seconds: number;
}

export type ProfileShape =
  /** every journey at multiplier x its rate for the whole run (k6 constant-arrival-rate) */
  | { readonly kind: 'constant'; readonly multiplier: number; readonly seconds: number }
  /** rates follow the stages (k6 ramping-arrival-rate) */
  | { readonly kind: 'ramping'; readonly startMultiplier: number; readonly stages: readonly Stage[] }
  /**
   * held steps up from `fromMultiplier`, each `factor` times the last (k6 ramping-arrival-rate, its
   * stages written out by `capacitySteps`): how far past the target the service holds
   */
  | {
      readonly kind: 'steps';
      readonly fromMultiplier: number;
      readonly factor: number;
      /** the highest multiplier the run may reach unless told otherwise (K6_MAX_RATE) */
      readonly maxMultiplier: number;
      /** each step is held until the rarest endpoint has had this many requests */
      readonly minRequestsPerStep: number;
      /** ramp between two steps */
      readonly rampSeconds: number;
      /** the whole run's budget: steps that would not fit are left out (K6_PROFILE_DURATION replaces it) */
      readonly seconds: number;
    };

export interface Profile {
  readonly name: ProfileName;
  readonly description: string;
  readonly shape: ProfileShape;
  /** Rates used instead of the baseline: smoke checks that everything works, not capacity. */
  readonly fixedRates?: JourneyRates;
  /** Pause between a user's steps, uniform in [min, max] seconds (K6_THINK_TIME_SCALE scales it). */
  readonly thinkSeconds: { readonly min: number; readonly max: number };
  /**
   * Whether the latency criteria fail the run. Smoke reports p90/p95 but does not judge them: a
   * handful of cold requests per endpoint cannot support a percentile.
   */
  readonly judgesLatency: boolean;
}

/** Multiplier of the peak profile over the baseline: the checklist's "10x current user load". */
export const PEAK_MULTIPLIER = 10;

export const profiles: Readonly<Record<ProfileName, Profile>> = {
  smoke: {
    name: 'smoke',
    description: 'every journey and endpoint a few times, to prove the scripts and the target work',
    shape: { kind: 'constant', multiplier: 1, seconds: 10 },
    fixedRates: { swipingUser: 30, returningUser: 30, anonymousBrowser: 30, networkPostback: 12, rlsProbe: 12 },
    thinkSeconds: { min: 0.05, max: 0.15 },
    judgesLatency: false,
  },
  baseline: {
    name: 'baseline',
    description: 'the current production load, held steady',
    shape: { kind: 'constant', multiplier: 1, seconds: 300 },
    thinkSeconds: { min: 0.5, max: 2 },
    judgesLatency: true,
  },
  peak: {
    name: 'peak',
    description: `${PEAK_MULTIPLIER}x the baseline on every journey, held steady (the sign-off run)`,
    shape: { kind: 'constant', multiplier: PEAK_MULTIPLIER, seconds: 600 },
    thinkSeconds: { min: 0.5, max: 2 },
    judgesLatency: true,
  },
  stress: {
    name: 'stress',
    description: 'ramps from baseline through peak to 20x to find where latency or errors break',
    shape: {
      kind: 'ramping',
      startMultiplier: 1,
      stages: [
        { multiplier: PEAK_MULTIPLIER, seconds: 120 },
        { multiplier: PEAK_MULTIPLIER, seconds: 120 },
        { multiplier: 15, seconds: 120 },
        { multiplier: 15, seconds: 60 },
        { multiplier: 20, seconds: 120 },
        { multiplier: 20, seconds: 60 },
      ],
    },
    thinkSeconds: { min: 0.5, max: 2 },
    judgesLatency: true,
  },
  spike: {
    name: 'spike',
    description: 'baseline, a sudden jump to peak, then back: does the target recover',
    shape: {
      kind: 'ramping',
      startMultiplier: 1,
      stages: [
        { multiplier: 1, seconds: 60 },
        { multiplier: PEAK_MULTIPLIER, seconds: 10 },
        { multiplier: PEAK_MULTIPLIER, seconds: 60 },
        { multiplier: 1, seconds: 10 },
        { multiplier: 1, seconds: 60 },
      ],
    },
    thinkSeconds: { min: 0.5, max: 2 },
    judgesLatency: true,
  },
  soak: {
    name: 'soak',
    description: 'the baseline for hours: leaks, bloat and connection creep',
    shape: { kind: 'constant', multiplier: 1, seconds: 2 * 3600 },
    thinkSeconds: { min: 0.5, max: 2 },
    judgesLatency: true,
  },
  capacity: {
    name: 'capacity',
    description: `the peak mix stepped up from ${PEAK_MULTIPLIER}x, x1.25 a step: where each endpoint first breaks, and the headroom over the target`,
    shape: {
      kind: 'steps',
      fromMultiplier: PEAK_MULTIPLIER,
      factor: 1.25,
      maxMultiplier: 40,
      minRequestsPerStep: 100,
      rampSeconds: 2,
      seconds: 15 * 60,
    },
    thinkSeconds: { min: 0.5, max: 2 },
    // Judged per step by verify (the capacity envelope); a whole-run percentile over the steps means nothing.
    judgesLatency: false,
  },
};

/** One held step of a capacity run; times from the scenarios' start. */
export interface CapacityStep {
  /** 1, 2, ... */
  readonly step: number;
  /** Nominal multiplier of the baseline (the journeys' rates are whole iterations per minute, rounded). */
  readonly multiplier: number;
  /** Iterations per minute per journey during the hold. */
  readonly rates: JourneyRates;
  /** When the ramp to this step starts (the first step has none). */
  readonly rampStartSeconds: number;
  /** The hold: the window verify judges. */
  readonly holdStartSeconds: number;
  readonly holdSeconds: number;
}

export interface CapacityInput {
  /** Highest multiplier allowed (`--max-rate`); the profile's when undefined. */
  readonly maxMultiplier?: number;
  /** Replaces every step's hold (short runs in tests); undefined: long enough for `minRequestsPerStep`. */
  readonly stepSeconds?: number;
  /** Replaces the profile's budget. */
  readonly budgetSeconds?: number;
}

/**
 * The steps of a capacity run: `fromMultiplier` x factor^k while within the max rate, each held long
 * enough for its rarest endpoint (`requestsPerSecond`) to get `minRequestsPerStep`, as many as fit the
 * budget (the first always). No journey's rate exceeds its baseline x the max rate.
 * @example capacitySteps(profiles.capacity.shape, defaultBaselineRates, rps, {}).map((s) => s.multiplier) // [10, 12.5, 15.625, ...]
 */
export function capacitySteps(
  shape: Extract<ProfileShape, { kind: 'steps' }>,
  baseRates: JourneyRates,
  requestsPerSecond: (rates: JourneyRates) => Readonly<Record<string, number>>,
  input: CapacityInput,
): CapacityStep[] {
  const max = input.maxMultiplier ?? shape.maxMultiplier;
  const budget = input.budgetSeconds ?? shape.seconds;
  const steps: CapacityStep[] = [];
  let at = 0;
  for (let k = 0; ; k++) {
    const multiplier = shape.fromMultiplier * shape.factor ** k;
    if (multiplier > max * (1 + 1e-9)) break;
    const rates = {} as Record<JourneyName, number>;
    for (const j of journeyNames)
      rates[j] = Math.min(Math.round(baseRates[j] * multiplier), Math.floor(baseRates[j] * max + 1e-9));
    const rarest = Math.min(...Object.values(requestsPerSecond(rates)).filter((r) => r > 0));
    const hold = input.stepSeconds ?? Math.ceil(shape.minRequestsPerStep / rarest);
    const ramp = k === 0 ? 0 : shape.rampSeconds;
    if (k > 0 && at + ramp + hold > budget) break;
    steps.push({
      step: k + 1,
      multiplier: Math.round(multiplier * 1000) / 1000,
      rates,
      rampStartSeconds: at,
      holdStartSeconds: at + ramp,
      holdSeconds: hold,
    });
    at += ramp + hold;
  }
  return steps;
}

/** A k6 arrival-rate scenario as plain data (the k6 `Scenario` type accepts it). */
export type ArrivalScenario =
  | {
      readonly executor: 'constant-arrival-rate';
      readonly rate: number;
      readonly timeUnit: '1m';
      readonly duration: string;
      readonly preAllocatedVUs: number;
      readonly exec: JourneyName;
      readonly gracefulStop: string;
      readonly tags: { readonly journey: JourneyName };
    }
  | {
      readonly executor: 'ramping-arrival-rate';
      readonly startRate: number;
      readonly timeUnit: '1m';
      readonly stages: { readonly target: number; readonly duration: string }[];
      readonly preAllocatedVUs: number;
      readonly exec: JourneyName;
      readonly gracefulStop: string;
      readonly tags: { readonly journey: JourneyName };
    };

export interface LoadPlanInput {
  readonly profile: ProfileName;
  readonly baselineRates: JourneyRates;
  /** Replaces the profile's length; ramping stages are scaled in proportion. */
  readonly durationSeconds?: number;
  readonly thinkTimeScale?: number;
  /** The steps of a `steps` profile (capacitySteps), which needs them. */
  readonly steps?: readonly CapacityStep[];
}

export interface LoadPlan {
  readonly profile: Profile;
  /** The 1x rates this run multiplies (the baseline, or smoke's fixed rates). */
  readonly baseRates: JourneyRates;
  /** Highest scheduled rate per journey during the run, iterations per minute. */
  readonly peakRates: JourneyRates;
  readonly scheduledIterations: Readonly<Record<JourneyName, number>>;
  readonly totalScheduledIterations: number;
  readonly durationSeconds: number;
  readonly thinkSeconds: { readonly min: number; readonly max: number };
  /** One scenario per journey whose rate is above zero. */
  readonly scenarios: Readonly<Partial<Record<JourneyName, ArrivalScenario>>>;
  /** The held steps of a capacity run. */
  readonly steps?: readonly CapacityStep[];
}

/**
 * Round-trip time assumed per request when sizing VUs; generous, so latency growth is not mistaken for
 * drops (and drops while requests were faster than this are the load generator's, verify/capacity/).
 */
export const ASSUMED_REQUEST_SECONDS = 0.15;
/** Head-room over the expected concurrency (Little's law: VUs = rate x iteration time). */
const VU_HEADROOM = 1.5;
/** Floor per scenario: a low rate must not drop iterations because a few of them ran slow. */
const MIN_VUS = 4;

/** One journey's arrival rate over the run, iterations per minute: a start, then linear stages. */
interface RateCurve {
  readonly start: number;
  readonly stages: readonly { readonly target: number; readonly seconds: number }[];
}

/**
 * Resolves a profile against a baseline into k6 scenarios and the numbers the reports need.
 *
 * @example planLoad({ profile: 'peak', baselineRates: defaultBaselineRates }).peakRates.swipingUser // 480
 */
export function planLoad(input: LoadPlanInput): LoadPlan {
  const profile = profiles[input.profile];
  const baseRates = profile.fixedRates ?? input.baselineRates;
  const thinkScale = input.thinkTimeScale ?? 1;
  const thinkSeconds = { min: profile.thinkSeconds.min * thinkScale, max: profile.thinkSeconds.max * thinkScale };
  const shape = scaleShape(profile.shape, input.durationSeconds);
  if (shape.kind === 'steps' && (input.steps === undefined || input.steps.length === 0))
    throw new Error(`profile ${profile.name}: its steps are needed (capacitySteps)`);
  const curve = (journey: JourneyName): RateCurve => rateCurve(shape, baseRates[journey], journey, input.steps ?? []);
  const durationSeconds =
    shape.kind === 'constant' ? shape.seconds : curve(journeyNames[0]).stages.reduce((sum, s) => sum + s.seconds, 0);
  const gracefulStop = `${Math.ceil(Math.max(10, maxIterationSeconds(thinkSeconds.max)))}s`;

  const peakRates = {} as Record<JourneyName, number>;
  const scheduledIterations = {} as Record<JourneyName, number>;
  const scenarios: Partial<Record<JourneyName, ArrivalScenario>> = {};
  for (const journey of journeyNames) {
    const rate = baseRates[journey];
    const rates = curve(journey);
    peakRates[journey] = Math.max(rates.start, ...rates.stages.map((s) => s.target));
    scheduledIterations[journey] = scheduledCount(rates, shape.kind === 'constant');
    if (rate <= 0) continue;
    const expectedSeconds =
      journeyShapes[journey].requests * ASSUMED_REQUEST_SECONDS +
      (journeyShapes[journey].thinkPauses * (thinkSeconds.min + thinkSeconds.max)) / 2;
    const preAllocatedVUs = Math.max(MIN_VUS, Math.ceil((peakRates[journey] / 60) * expectedSeconds * VU_HEADROOM) + 1);
    const common = { timeUnit: '1m', preAllocatedVUs, exec: journey, gracefulStop, tags: { journey } } as const;
    scenarios[journey] =
      shape.kind === 'constant'
        ? { executor: 'constant-arrival-rate', rate: rate * shape.multiplier, duration: `${shape.seconds}s`, ...common }
        : {
            executor: 'ramping-arrival-rate',
            startRate: rates.start,
            stages: rates.stages.map((s) => ({ target: s.target, duration: `${s.seconds}s` })),
            ...common,
          };
  }
  const totalScheduledIterations = journeyNames.reduce((sum, j) => sum + scheduledIterations[j], 0);
  return {
    profile,
    baseRates,
    peakRates,
    scheduledIterations,
    totalScheduledIterations,
    durationSeconds,
    thinkSeconds,
    scenarios,
    ...(shape.kind === 'steps' ? { steps: input.steps } : {}),
  };
}

/**
 * Dropped iterations the run may have before the "load delivered" threshold fails: a share of the
 * scheduled iterations, rounded down (a smoke run of 20 iterations may drop none).
 */
export function allowedDroppedIterations(plan: LoadPlan, maxDroppedRate: number): number {
  return Math.floor(plan.totalScheduledIterations * maxDroppedRate);
}

// --- internal ---

function scaleShape(shape: ProfileShape, durationSeconds: number | undefined): ProfileShape {
  if (durationSeconds === undefined || shape.kind === 'steps') return shape;
  if (shape.kind === 'constant') return { ...shape, seconds: durationSeconds };
  const total = shape.stages.reduce((sum, s) => sum + s.seconds, 0);
  const factor = durationSeconds / total;
  return {
    ...shape,
    stages: shape.stages.map((s) => ({ ...s, seconds: Math.max(1, Math.round(s.seconds * factor)) })),
  };
}

function rateCurve(shape: ProfileShape, rate: number, journey: JourneyName, steps: readonly CapacityStep[]): RateCurve {
  switch (shape.kind) {
    case 'constant':
      return { start: rate * shape.multiplier, stages: [{ target: rate * shape.multiplier, seconds: shape.seconds }] };
    case 'ramping':
      return {
        start: rate * shape.startMultiplier,
        stages: shape.stages.map((s) => ({ target: rate * s.multiplier, seconds: s.seconds })),
      };
    case 'steps':
      // Each step: a ramp from the last (none before the first), then the hold.
      return {
        start: steps[0]?.rates[journey] ?? 0,
        stages: steps.flatMap((s) => [
          ...(s.holdStartSeconds > s.rampStartSeconds
            ? [{ target: s.rates[journey], seconds: s.holdStartSeconds - s.rampStartSeconds }]
            : []),
          { target: s.rates[journey], seconds: s.holdSeconds },
        ]),
      };
  }
}

/**
 * Iterations the executor starts, as k6 counts them: a constant rate starts one at once and then
 * every 1/rate while inside the duration (ceil of the area); a ramp, and so a stepped schedule
 * written as ramping stages, starts one each time the area under the rate curve reaches a whole
 * number (floor of the area).
 */
function scheduledCount(curve: RateCurve, constant: boolean): number {
  let from = curve.start;
  let area = 0;
  for (const stage of curve.stages) {
    area += ((from + stage.target) / 2) * stage.seconds;
    from = stage.target;
  }
  return constant ? Math.ceil(area / 60 - 1e-9) : Math.floor(area / 60 + 1e-9);
}

/** The longest iteration (all think pauses at their maximum), so graceful stop lets it finish. */
function maxIterationSeconds(thinkMax: number): number {
  return Math.max(...journeyNames.map((j) => journeyShapes[j].requests * 1 + journeyShapes[j].thinkPauses * thinkMax));
}
