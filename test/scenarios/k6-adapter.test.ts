/**
 * The k6 adapter's mapping, in Node: scenarios/k6/runtime.ts runs against stand-ins of k6's modules
 * that record every call (vitest.config.ts aliases `k6/*` to test/scenarios/support/k6-stand-in/).
 * This tests what the adapter asks of k6, not k6 itself; the scenarios typecheck against @types/k6
 * (typecheck.test.ts) and run under a real k6 where one is installed (inspect.test.ts).
 */

import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultBaselineRates, planLoad } from '../../model/profiles.ts';
import { journeys } from '../../scenarios/journeys/index.ts';
import { k6Runtime } from '../../scenarios/k6/runtime.ts';
import { parseScenarioEnv } from '../../scenarios/lib/env.ts';
import { POSTBACK_SIGNATURE_HEADER } from '../../scenarios/lib/postback.ts';
import type { World } from '../../scenarios/lib/runtime.ts';
import http, { answers, calls } from './support/k6-stand-in/http.ts';
import { recorded } from './support/k6-stand-in/k6.ts';
import { samples } from './support/k6-stand-in/metrics.ts';

const env = parseScenarioEnv(
  { K6_API_URL: 'http://api.test', K6_POSTBACK_SECRET: 'a-postback-secret-of-some-length' },
  () => '',
);
const world: World = {
  env,
  target: { apiUrl: env.apiUrl, supabaseUrl: env.supabaseUrl, anonKey: 'anon-key' },
  plan: planLoad({ profile: 'smoke', baselineRates: defaultBaselineRates, thinkTimeScale: 0 }),
  users: [
    { id: 'u1', email: 'a@x.test', accessToken: 'token-1', archetype: 'x' },
    { id: 'u2', email: 'b@x.test', accessToken: 'token-2', archetype: 'x' },
  ],
  products: [{ id: 'p1', categoryId: 'c1' }],
  categories: [{ id: 'c1', slug: 'tech', name: 'Tech' }],
  agedClicks: [],
};
const setup = { runTag: 'tag', startedAt: '2026-12-02T00:00:00Z', seedRunId: 'run-1' };

beforeEach(() => {
  calls.length = 0;
  answers.length = 0;
  samples.length = 0;
  recorded.checks.length = 0;
  recorded.sleeps.length = 0;
});

describe('the k6 runtime adapter', () => {
  it('sends a RequestSpec with http.asyncRequest: method, URL, body, headers, the name tag, its expected statuses and timeout', async () => {
    answers.push({ status: 201, body: '{"id":"s1"}', headers: { 'Server-Timing': 'db;dur=3.5' } });
    const reply = await k6Runtime.request(
      {
        method: 'POST',
        url: 'http://api.test/x',
        headers: { A: 'b' },
        body: '{"k":1}',
        name: 'swipe_create',
        expected: [200, 201],
        ownResource: true,
      },
      30,
    );
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'http://api.test/x',
        body: '{"k":1}',
        params: {
          headers: { A: 'b' },
          tags: { name: 'swipe_create' },
          responseCallback: { expected: [200, 201] },
          timeout: '30s',
        },
      },
    ]);
    expect(reply).toMatchObject({ name: 'swipe_create', status: 201, error: '', json: { id: 's1' } });
    expect(reply.header('server-timing')).toBe('db;dur=3.5');
  });

  it("maps checks, metrics, sleep and HMAC onto k6's own functions", async () => {
    k6Runtime.check({ 'one passes': true, 'one fails': false }, { name: 'n' });
    expect(recorded.checks).toEqual([
      { val: null, sets: { 'one passes': true, 'one fails': false }, tags: { name: 'n' } },
    ]);
    k6Runtime.add('aclue_writes', 1, { entity: 'swipe', id: 's1' });
    k6Runtime.add('aclue_db_time', 2.5, { name: 'n' });
    expect(samples).toEqual([
      { metric: 'aclue_writes', value: 1, tags: { entity: 'swipe', id: 's1' } },
      { metric: 'aclue_db_time', value: 2.5, tags: { name: 'n' } },
    ]);
    await k6Runtime.sleep(0.25);
    expect(recorded.sleeps).toEqual([0.25]);
    expect(k6Runtime.hmacSha256Hex('secret', 'body')).toBe(createHmac('sha256', 'secret').update('body').digest('hex'));
    expect(http.expectedStatuses(200)).toEqual({ expected: [200] });
  });

  it('runs a whole journey through k6: the network postback clicks, then posts a signed conversion and records the plant', async () => {
    answers.push({ status: 201, body: '{"click_id":"c-9","redirect_url":"https://shop.test/?sub=c-9"}' });
    answers.push({ status: 200, body: '{"status":"converted"}' });
    await journeys.networkPostback({ rt: k6Runtime, world, number: 4, vuId: 2, setup });
    expect(calls.map((c) => `${c.method} ${c.params.tags?.name}`)).toEqual([
      'POST affiliate_click',
      'POST affiliate_postback',
    ]);
    const postback = calls[1]!;
    const signature = createHmac('sha256', env.postbackSecret).update(String(postback.body)).digest('hex');
    expect(postback.params.headers?.[POSTBACK_SIGNATURE_HEADER]).toBe(signature);
    expect(JSON.parse(String(postback.body))).toMatchObject({ click_id: 'c-9', order_id: 'k6-tag-2-4' });
    expect(recorded.checks.flatMap((c) => Object.entries(c.sets))).toEqual([
      ['affiliate click is recorded', true],
      ['merchant URL carries the click id', true],
      ['postback answered as planted (converted)', true],
    ]);
    expect(samples.filter((s) => s.metric === 'aclue_writes').map((s) => s.tags)).toEqual([
      { entity: 'affiliate_click', id: 'c-9' },
      { entity: 'conversion', id: 'k6-tag-2-4' },
    ]);
    expect(samples.filter((s) => s.metric === 'aclue_postbacks').map((s) => s.tags)).toEqual([
      expect.objectContaining({
        kind: 'converted',
        click_id: 'c-9',
        order_id: 'k6-tag-2-4',
        user_id: 'u2',
        status: '200',
        outcome: 'converted',
      }),
    ]);
  });
});
