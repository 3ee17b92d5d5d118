/**
 * The thresholds of one verification: model/slo.ts defaults, with any subset overridden by the JSON
 * file named by `--criteria` / KIT_CRITERIA_FILE, e.g. `{ "latency": { "p95Ms": 300 } }`. Unknown
 * keys are rejected so a typo cannot silently leave a default in force.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../lib/errors.ts';
import { type SuccessCriteria, successCriteria } from '../model/slo.ts';

const positive = z.number().positive();
const fraction = z.number().min(0).max(1);

export const criteriaOverrideSchema = z
  .object({
    latency: z.object({ p90Ms: positive, p95Ms: positive }).partial().strict(),
    maxFailedRequestRate: fraction,
    maxAuthFailures: z.number().int().min(0),
    maxRlsLeaks: z.number().int().min(0),
    peakMultiplier: positive,
    minAchievedRateFraction: fraction,
    maxDroppedIterationRate: fraction,
    maxDegradationRatio: positive,
    generator: z
      .object({
        maxEventLoopP99Ms: positive,
        maxCpuShare: positive,
        maxScheduleLagP95Ms: positive,
      })
      .partial()
      .strict(),
    degradationMinRequests: z.number().int().min(1),
    degradationP95MinRequests: z.number().int().min(1),
    minIndexUsageRatio: fraction,
    indexUsageMinRows: z.number().int().min(0),
    indexUsageMinScans: z.number().int().min(1),
    maxConnectionUtilisation: fraction,
    minCacheHitRate: fraction,
    preference: z
      .object({
        ndcgFloor: fraction,
        minOracleFraction: fraction,
        minMarginOverPopularity: z.number(),
        minSwipesPerUser: z.number().int().min(1),
        warnOracleFraction: fraction,
        minMeasuredUsers: z.number().int().min(2),
        maxScoredUsers: z.number().int().min(2),
      })
      .partial()
      .strict(),
    recommendation: z
      .object({
        k: z.number().int().min(1).max(50),
        minMarginOverPopularity: z.number(),
        minPreferenceFraction: fraction,
      })
      .partial()
      .strict(),
    capacity: z
      .object({ minHeadroom: positive, stopFailedRequestRate: fraction, stopLatencyFactor: positive })
      .partial()
      .strict(),
    realData: z
      .object({
        minPreferenceShare: fraction,
        minProbedUsers: z.number().int().min(2),
        probedUserFraction: fraction,
        maxProbedUsers: z.number().int().min(2),
        maxSameBodyShare: fraction,
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export type CriteriaOverride = z.infer<typeof criteriaOverrideSchema>;

export function mergeCriteria(override: CriteriaOverride): SuccessCriteria {
  return {
    ...successCriteria,
    ...override,
    latency: { ...successCriteria.latency, ...override.latency },
    preference: { ...successCriteria.preference, ...override.preference },
    recommendation: { ...successCriteria.recommendation, ...override.recommendation },
    realData: { ...successCriteria.realData, ...override.realData },
    generator: { ...successCriteria.generator, ...override.generator },
    capacity: { ...successCriteria.capacity, ...override.capacity },
  } as SuccessCriteria;
}

/** Defaults when `file` is undefined; a missing or invalid file is a usage error naming the setting. */
export function loadCriteria(file: string | undefined): SuccessCriteria {
  if (file === undefined) return successCriteria;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `KIT_CRITERIA_FILE / --criteria: ${file} cannot be read as JSON (${(error as Error).message})`,
      [
        'Give a JSON object with the thresholds to change, e.g. {"latency": {"p95Ms": 300}}; model/slo.ts lists them all.',
      ],
    );
  }
  const parsed = criteriaOverrideSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new UsageError(
      `KIT_CRITERIA_FILE / --criteria: ${file} is not a valid criteria override:\n  ${lines.join('\n  ')}`,
      ['Keys and meanings are those of model/slo.ts (successCriteria); leave out what you keep.'],
    );
  }
  return mergeCriteria(parsed.data);
}
