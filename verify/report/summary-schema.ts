/**
 * The machine-readable result of one verification, `reports/<run>/summary.json`. Versioned: a change
 * that breaks readers bumps `schemaVersion`. `--baseline` reads earlier files with this schema, and CI
 * or other tools can import it to validate what they read.
 */
import { z } from 'zod';
import { loadJsonSchema } from '../k6/load-evidence.ts';

const statusSchema = z.enum(['pass', 'warn', 'fail', 'insufficient-data']);
const levelSchema = z.enum(['error', 'warn', 'info']);
const figure = z.union([z.number(), z.string(), z.null()]);

export const gateResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  level: levelSchema,
  status: statusSchema,
  threshold: z.string(),
  measured: z.string(),
  evidence: z.object({
    summary: z.string(),
    figures: z.record(z.string(), figure).optional(),
    rows: z.array(z.record(z.string(), z.unknown())).optional(),
    links: z.array(z.string()).optional(),
  }),
  checklist: z.array(z.string()),
});

const latencySchema = z.object({
  count: z.number(),
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});

const endpointSchema = z.object({
  name: z.string(),
  latency: latencySchema,
  requests: z.number(),
  failed: z.number(),
  errorRate: z.number(),
  statuses: z.record(z.string(), z.number()),
  histogram: z.string().optional(),
});

const nullableNumber = z.number().nullable();

/** LoadEvidence as stored: the lists of created ids are left out (counts stay in `counters`). */
export const loadSummarySchema = z.object({
  sources: z.array(
    z.object({
      runDir: z.string(),
      kind: z.enum(['raw', 'summary']),
      file: z.string(),
      instance: z.string(),
      lines: z.number(),
      problems: z.array(z.string()),
      load: loadJsonSchema.optional(),
      breachedThresholds: z.array(z.string()).optional(),
      summaryMetrics: z.array(z.string()).optional(),
    }),
  ),
  kind: z.enum(['raw', 'summary']),
  profile: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationSeconds: z.number(),
  windowSeconds: z.number(),
  overall: endpointSchema,
  endpoints: z.array(endpointSchema),
  windows: z.array(
    z.object({
      t: z.number(),
      requests: z.number(),
      failed: z.number(),
      p50: nullableNumber,
      p90: nullableNumber,
      p95: nullableNumber,
      p99: nullableNumber,
      iterations: z.number(),
      droppedIterations: z.number(),
      vus: nullableNumber,
      eventLoopP99: nullableNumber.optional(),
      eventLoopMax: nullableNumber.optional(),
      cpu: nullableNumber.optional(),
      vusBusy: nullableNumber.optional(),
      scheduleLagP95: nullableNumber.optional(),
      intendedIterationP95: nullableNumber.optional(),
      iterationP95: nullableNumber.optional(),
      scheduleLagHistogram: z.string().optional(),
    }),
  ),
  iterations: z.object({
    completed: z.number(),
    dropped: z.number(),
    achievedRate: z.number(),
    scheduled: z.number().optional(),
    scheduledRate: z.number().optional(),
    baselineRate: z.number().optional(),
    perScenario: z.record(z.string(), z.number()),
  }),
  vus: z.object({ max: nullableNumber, maxAllocated: nullableNumber }),
  counters: z.record(z.string(), z.number()),
  authFailuresByEndpoint: z.record(z.string(), z.number()),
  // Absent in summaries written before leaks were split by endpoint.
  rlsLeaksByEndpoint: z.record(z.string(), z.number()).default({}),
  writesRecorded: z.number(),
  clicksRecorded: z.number(),
  dbTime: latencySchema.optional(),
  checks: z.object({ passes: z.number(), fails: z.number() }),
  schedule: z.object({ lag: latencySchema, intendedIteration: latencySchema, iteration: latencySchema }).optional(),
});

/** The capacity envelope (verify/capacity/envelope.ts CapacityEnvelope); steps and breaks as written. */
export const capacitySummarySchema = z
  .object({
    runDir: z.string(),
    engine: z.string().optional(),
    targetMultiplier: z.number(),
    steps: z.array(z.object({ step: z.number(), multiplier: z.number(), status: z.string() }).loose()),
    knee: z.object({ step: z.number(), multiplier: z.number() }).optional(),
    headroom: z.number(),
    headroomIsLowerBound: z.boolean(),
    endsBy: z.enum(['breach', 'instrument-limit', 'last-step']),
    firstBreaks: z.array(z.object({ endpoint: z.string(), step: z.number(), multiplier: z.number() }).loose()),
    headline: z.string(),
    problems: z.array(z.string()),
  })
  .loose();

/** The fix-it migration written beside the report (verify/fixes/): one entry per block of fixes.sql. */
export const fixesSchema = z.object({
  /** File name beside index.html. */
  file: z.string(),
  /** Where the blocks were proved: a scratch copy, a rolled-back transaction, or not (no --prove-fixes). */
  proof: z.enum(['copy', 'transaction', 'not-run']),
  blocks: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      /** `lint object` of each finding the block removes. */
      findings: z.array(z.string()),
      what: z.string(),
      why: z.string(),
      status: z.enum(['proved-safe', 'not-safe', 'unproved']),
      /** Proof steps (absent when unproved): every statement ran; the block's findings are gone. */
      applied: z.boolean().optional(),
      findingsGone: z.boolean().optional(),
      /** Why a block is not safe; empty otherwise. */
      reasons: z.array(z.string()),
    }),
  ),
  /** Findings without a mechanical fix. */
  remediations: z.array(z.object({ finding: z.string(), level: levelSchema, sentence: z.string(), link: z.string() })),
  error: z.string().optional(),
});

export const summarySchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.string(),
  verdict: z.enum(['GO', 'CONDITIONAL', 'NO-GO']),
  /** Why the verdict is what it is, one line per deciding gate. */
  verdictReasons: z.array(z.string()),
  run: z.object({ id: z.string(), outDir: z.string() }),
  gates: z.array(gateResultSchema),
  checklist: z.array(
    z.object({
      title: z.string(),
      lines: z.array(
        z.object({
          text: z.string(),
          gates: z.array(z.string()),
          /** What the gates measure instead, when less than the line claims. */
          proxy: z.string().optional(),
          status: z.union([statusSchema, z.literal('manual')]),
        }),
      ),
    }),
  ),
  load: loadSummarySchema.optional(),
  capacity: capacitySummarySchema.optional(),
  fixes: fixesSchema.optional(),
  baseline: z
    .object({
      source: z.string(),
      load: loadSummarySchema.optional(),
      gates: z.array(gateResultSchema).optional(),
    })
    .optional(),
  reproducibility: z.object({
    seedRunIds: z.array(z.string()),
    loadRunDirs: z.array(z.string()),
    criteria: z.record(z.string(), z.unknown()),
    versions: z.record(z.string(), z.string()),
    commands: z.array(z.string()),
    database: z.string().optional(),
    databaseError: z.string().optional(),
    /** The target judged (lib/target-identity.ts): a later verify using this report as a baseline compares it. */
    targetIdentity: z.unknown().optional(),
  }),
});

export type Summary = z.infer<typeof summarySchema>;
export type LoadSummary = z.infer<typeof loadSummarySchema>;
export type FixesSummary = z.infer<typeof fixesSchema>;
