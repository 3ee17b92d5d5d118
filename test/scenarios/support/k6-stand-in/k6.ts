/** Stand-in for the `k6` module in Node tests: records what the adapter asks of it. */
export const recorded = {
  checks: [] as { val: unknown; sets: Record<string, boolean>; tags: unknown }[],
  sleeps: [] as number[],
};

export function check(val: unknown, sets: Record<string, () => boolean>, tags?: unknown): boolean {
  const results = Object.fromEntries(Object.entries(sets).map(([name, fn]) => [name, fn()]));
  recorded.checks.push({ val, sets: results, tags });
  return Object.values(results).every(Boolean);
}

export function sleep(seconds: number): void {
  recorded.sleeps.push(seconds);
}
