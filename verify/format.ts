/**
 * How verify writes a figure in words, once for the gates' measured values and summaries and the
 * report's tables (verify/report/labels.ts maps each figure's unit onto these). k6's own end-of-test
 * text summary (scenarios/lib/summary-text.ts) follows k6's format instead, and is not verify's.
 */

/** `n` with thousands separators and at most `digits` decimals: 12,345.6. */
export const grouped = (n: number, digits: number): string =>
  n.toLocaleString('en-GB', { maximumFractionDigits: digits });

/** A latency: "173 ms", "4.5 ms". */
export const ms = (n: number): string => `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ms`;

/**
 * A fraction as a percentage. With `digits`, exactly that many decimals (a rate beside its limit:
 * "0.100%"); without, as many as it needs: 0.905 → "90.5%", 0.0012 → "0.12%".
 */
export const percent = (fraction: number, digits?: number): string =>
  digits === undefined
    ? `${grouped(fraction * 100, Math.abs(fraction) < 0.01 ? 3 : 1)}%`
    : `${(fraction * 100).toFixed(digits)}%`;

/** A count or plain quantity: "12,345". */
export const count = (n: number): string => grouped(n, 2);

/** A rate: "12.5 per second". */
export const perSecond = (n: number): string => `${grouped(n, 2)} per second`;

/** A score between 0 and 1 (NDCG, precision): "0.821". */
export const score = (n: number): string => grouped(n, 3);

/** A multiple of something: peak / baseline "1.82x". */
export const times = (n: number, digits = 2): string => `${n.toFixed(digits)}x`;

/** A load multiplier as the capacity envelope names its steps, to one decimal at most: "12.5x", "10x". */
export const multiplier = (m: number): string => `${Math.round(m * 10) / 10}x`;

/** Pounds and pence, with a real minus sign: "£12.30", "−£1.25". */
export const gbp = (n: number): string => `${n < 0 ? '−' : ''}£${Math.abs(n).toFixed(2)}`;

/**
 * A value compared with a threshold, with fixed digits so neighbours line up: "0.850"; "n/a" when
 * there is nothing to show (no scans, nothing read).
 */
export const decimal = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

/** A figure rounded for summary.json (not words): round(0.123456, 4) = 0.1235. */
export const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
