/** Stand-in for `k6/metrics`: every metric records its samples. */
export const samples: { metric: string; value: number; tags: unknown }[] = [];

class Metric {
  constructor(
    readonly name: string,
    readonly isTime = false,
  ) {}
  add(value: number, tags?: unknown): void {
    samples.push({ metric: this.name, value, tags });
  }
}

export class Counter extends Metric {}
export class Trend extends Metric {}
