/**
 * Percentile bootstrap confidence interval of a mean, resampling the unit of analysis (users):
 * metrics within one user are correlated, so users, not swipes, are what gets resampled.
 */
import { seededRandom } from '../../model/prng.ts';

export interface MeanInterval {
  readonly n: number;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  readonly resamples: number;
  readonly confidence: number;
}

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly confidence?: number;
  readonly seed?: number;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Linear-interpolated quantile of sorted values (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const lo = sorted[below] as number;
  const hi = sorted[above] as number;
  return lo + (hi - lo) * (position - below);
}

export function bootstrapMean(values: readonly number[], options: BootstrapOptions = {}): MeanInterval {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const n = values.length;
  const point = mean(values);
  if (n === 0) return { n, mean: Number.NaN, lower: Number.NaN, upper: Number.NaN, resamples, confidence };
  const random = seededRandom(options.seed ?? 20_240_601);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r += 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += values[Math.floor(random() * n)] as number;
    means[r] = sum / n;
  }
  const sorted = Array.from(means).sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { n, mean: point, lower: quantile(sorted, tail), upper: quantile(sorted, 1 - tail), resamples, confidence };
}
