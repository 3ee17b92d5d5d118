/**
 * The anchor of `npm run bench -- load`: the cheapest request k6 can make against the same server,
 * a bare GET of the health route at a constant arrival rate, with the same tags and trend
 * statistics as the journeys. Not a load profile: K6_BENCH_RATE (requests/s) and
 * K6_BENCH_SECONDS set it, and handleSummary writes k6-summary.json to K6_SUMMARY_DIR.
 */
import http from 'k6/http';
import type { Options } from 'k6/options';
import { routePath, routes } from '../../model/target.ts';
import { env } from '../lib/context.ts';
import { SUMMARY_TREND_STATS, SYSTEM_TAGS } from '../lib/options.ts';

const rate = Number(__ENV.K6_BENCH_RATE ?? '100');
const seconds = Number(__ENV.K6_BENCH_SECONDS ?? '10');

export const options: Options = {
  scenarios: {
    bare: { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: `${seconds}s`, preAllocatedVUs: Math.ceil(rate / 10) + 2, exec: 'bare' },
  },
  systemTags: [...SYSTEM_TAGS],
  summaryTrendStats: [...SUMMARY_TREND_STATS],
};

const url = `${env.apiUrl}${routePath(routes.health)}`;

export function bare(): void {
  http.get(url, { tags: { name: routes.health.name } });
}

export function handleSummary(data: unknown): Record<string, string> {
  return env.summaryDir ? { [`${env.summaryDir}/k6-summary.json`]: JSON.stringify(data) } : {};
}
