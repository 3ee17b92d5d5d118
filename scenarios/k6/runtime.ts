/**
 * The journeys' Runtime on k6: http.asyncRequest with the request's `name` tag and its own expected
 * statuses (so a refused RLS probe is not a "failed request"), k6's check() and metrics, sleep().
 */
import { check, sleep } from 'k6';
import crypto from 'k6/crypto';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import { headerOf } from '../lib/http.ts';
import { type CustomMetricName, customMetricNames, customMetrics } from '../lib/metrics.ts';
import type { RequestSpec } from '../lib/requests.ts';
import { parseJson } from '../lib/responses.ts';
import type { Reply, Runtime } from '../lib/runtime.ts';

// Custom metrics must be constructed in the init context: this module is imported from there.
const metrics = Object.fromEntries(
  customMetricNames.map((name) => [
    name,
    customMetrics[name].type === 'trend' ? new Trend(name, customMetrics[name].isTime) : new Counter(name),
  ]),
) as Record<CustomMetricName, Counter | Trend>;

const callbacks = new Map<string, ReturnType<typeof http.expectedStatuses>>();

function expectedCallback(statuses: readonly number[]): ReturnType<typeof http.expectedStatuses> {
  const key = statuses.join(',');
  let callback = callbacks.get(key);
  if (!callback) {
    callback = http.expectedStatuses(...statuses);
    callbacks.set(key, callback);
  }
  return callback;
}

export const k6Runtime: Runtime = {
  async request(spec: RequestSpec, timeoutSeconds: number): Promise<Reply> {
    const res = await http.asyncRequest(spec.method, spec.url, spec.body ?? null, {
      headers: spec.headers,
      tags: { name: spec.name },
      responseCallback: expectedCallback(spec.expected),
      timeout: `${timeoutSeconds}s`,
    });
    const body = typeof res.body === 'string' ? res.body : undefined;
    return {
      name: spec.name,
      status: res.status,
      error: res.error,
      body,
      json: parseJson(body),
      header: (name) => headerOf(res.headers, name),
    };
  },
  sleep(seconds: number): Promise<void> {
    sleep(seconds);
    return Promise.resolve();
  },
  check(results, tags): void {
    const named: Record<string, () => boolean> = {};
    for (const [name, ok] of Object.entries(results)) named[name] = () => ok;
    check(null, named, tags);
  },
  add(metric, value, tags): void {
    metrics[metric].add(value, tags);
  },
  hmacSha256Hex(secret: string, message: string): string {
    return crypto.hmac('sha256', secret, message, 'hex');
  },
};
