// The real-data gate: against the kit's real stack (PostgREST + App API on a planted world) it
// passes; against a server answering like the shipped Aclue backend (random ids per call, []
// recommendations, mock statistics, unsaved sessions) it fails naming each defect; with neither
// a database nor an API it is insufficient-data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import preferenceGate from '../../verify/gates/preference-accuracy.ts';
import realDataGate from '../../verify/gates/real-data.ts';
import recommendationGate from '../../verify/gates/recommendation-accuracy.ts';
import securityGate from '../../verify/gates/security.ts';
import { queryFile, runQuery } from '../../verify/sql/run.ts';
import type { TestDatabase } from '../support/db.ts';
import { freshDatabase } from '../support/db.ts';
import type { TestStack } from '../support/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { startAclueDefects } from './aclue-defects-server.ts';
import { rlsProbedLoad, stackApi, testContext } from './context.ts';
import { startFaultyApp } from './faulty-app.ts';
import type { World } from './world.ts';
import { plantWorld } from './world.ts';

let db: TestDatabase;
let stack: TestStack;
let defects: Awaited<ReturnType<typeof startAclueDefects>>;
let world: World;

const loadWith = (writes: { entity: string; id: string }[]): LoadEvidence =>
  ({ writes, clickIds: [], sources: [] }) as unknown as LoadEvidence;

beforeAll(async () => {
  db = await freshDatabase();
  world = await plantWorld(db.pool, { measuredUsers: 32, coldUsers: 0, swipesPerUser: 60 });
  [stack, defects] = await Promise.all([startTestStack(db), startAclueDefects()]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), defects?.stop()]);
  await db?.close();
});

describe('real-data gate', () => {
  it("passes against the kit's own stack", async () => {
    const swipe = (
      await db.pool.query<{ id: string }>('select id::text from public.swipe_interactions order by id limit 1')
    ).rows[0]?.id as string;
    const ctx = testContext(db.pool, {
      seedRunIds: [world.runId],
      api: stackApi(stack),
      load: loadWith([
        { entity: 'swipe', id: swipe },
        { entity: 'swipe_session', id: world.sessionIds[0] as string },
        { entity: 'affiliate_click', id: world.clickIds[0] as string },
      ]),
    });
    const result = await realDataGate.run(ctx);
    expect(result.evidence.rows, result.evidence.summary).toEqual([]);
    expect(result.status).toBe('pass');
    // 32 users with history: the floor of 30 probed users is more than 5% of them.
    expect(result.evidence.figures?.['usersProbed']).toBe(30);
  });

  it('fails against the Aclue backend as it ships, naming each defect', async () => {
    const ctx = testContext(db.pool, {
      seedRunIds: [world.runId],
      api: stackApi(stack, defects.url),
      load: loadWith([
        { entity: 'swipe_session', id: 'session_1727190000000' },
        { entity: 'affiliate_click', id: 'click_0a1b2c3d4e5f' },
      ]),
    });
    const result = await realDataGate.run(ctx);
    expect(result.status).toBe('fail');
    expect(result.id).toBe('real-data');
    const checks = new Set(result.evidence.rows?.map((r) => r['problem'] ?? r['check']));
    expect([...checks]).toEqual(
      expect.arrayContaining(['write_missing', 'ids_unstable', 'recommendations_empty', 'canned_body']),
    );
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({ check: 'canned_body', endpoint: 'users_me_statistics' }),
    );
    expect(result.evidence.rows).toContainEqual(
      expect.objectContaining({
        check: 'load_writes_missing',
        problem: 'write_missing',
        entity: 'swipe_session',
        id: 'session_1727190000000',
      }),
    );
    expect(result.evidence.summary).toMatch(/8 of 8 product ids changed between calls/);
  });

  it('divides the preferred share by the items returned: invented and repeated ids do not inflate it', async () => {
    // Each user gets one real product of a top category five times, and five ids no product has.
    // The users the gate probes, with the top categories it reads (its own query).
    const users = await runQuery<{ user_id: string; top_categories: string[] }>(
      db.pool,
      queryFile('real-data', 'users_with_history'),
      [[world.runId], 30, 0.05, 200],
    );
    const favourite = new Map<string, string>();
    for (const u of users) {
      const p = await db.pool.query<{ id: string }>(
        'select id::text from public.products where category_id = $1::uuid order by id limit 1',
        [u.top_categories[0]],
      );
      favourite.set(u.user_id, p.rows[0]!.id);
    }
    const padded = await startFaultyApp(stack.url, ({ path, userId }) =>
      path === '/api/v1/recommendations/' && userId !== undefined
        ? {
            status: 200,
            body: JSON.stringify([
              ...Array.from({ length: 5 }, () => ({ id: favourite.get(userId) })),
              ...Array.from({ length: 5 }, () => ({ id: crypto.randomUUID() })),
            ]),
          }
        : undefined,
    );
    try {
      const ctx = testContext(db.pool, {
        seedRunIds: [world.runId],
        api: stackApi(stack, padded.url),
      });
      const result = await realDataGate.run(ctx);
      expect(result.status).toBe('fail');
      expect(result.evidence.figures?.['meanPreferenceShare']).toBe(0.1);
      expect(result.evidence.rows).toContainEqual(
        expect.objectContaining({
          check: 'recommendations_ignore_preferences',
          detail: expect.stringContaining("10% of recommendations from the user's top-3 liked categories"),
        }),
      );
    } finally {
      await padded.stop();
    }
  });

  it('names a canned body when most users get it, not only when all do', async () => {
    // The statistics are the same mock for every user but one, who gets the real answer.
    const [first] = world.userIds;
    const mostlyCanned = await startFaultyApp(stack.url, ({ path, userId }) =>
      path === '/api/v1/users/me/statistics' && userId !== first
        ? {
            status: 200,
            body: JSON.stringify({ total_swipes: 42, total_likes: 17, favourite_category: 'Electronics' }),
          }
        : undefined,
    );
    try {
      const ctx = testContext(db.pool, {
        seedRunIds: [world.runId],
        api: stackApi(stack, mostlyCanned.url),
      });
      const result = await realDataGate.run(ctx);
      expect(result.status).toBe('fail');
      expect(result.evidence.rows).toContainEqual(
        expect.objectContaining({
          check: 'canned_body',
          endpoint: 'users_me_statistics',
          detail: expect.stringMatching(/to (29|30) of 30 different users/),
        }),
      );
    } finally {
      await mostlyCanned.stop();
    }
  });

  it('is insufficient-data, naming the part, when the load writes could not be counted back (no load)', async () => {
    const ctx = testContext(db.pool, {
      seedRunIds: [world.runId],
      api: stackApi(stack),
    });
    const result = await realDataGate.run(ctx);
    expect(result.status).toBe('insufficient-data');
    expect(result.evidence.summary).toContain('load writes not counted back');
  });

  it('is insufficient-data without a database and an API', async () => {
    const result = await realDataGate.run(testContext(undefined));
    expect(result.status).toBe('insufficient-data');
    expect(result.evidence.summary).toMatch(/no database/);
    expect(result.evidence.summary).toMatch(/no App API URL/);
  });
});

// The security gate's Data API half needs a real PostgREST and seeded users: this file has both.
describe('security gate through the Data API', () => {
  const apiContext = () => {
    const ctx = testContext(db.pool, {
      seedRunIds: [world.runId],
      api: stackApi(stack),
      load: rlsProbedLoad(),
    });
    return ctx;
  };

  it('finds nothing on the kit schema', async () => {
    const result = await securityGate.run(apiContext());
    expect(result.evidence.figures?.['dataApiFindings']).toBe(0);
    expect(result.status).toBe('pass');
  });

  it("sees another user's clicks through the API once a policy is loosened", async () => {
    await db.pool.query(
      'create policy kit_test_leak on public.affiliate_clicks for select to authenticated using (true)',
    );
    try {
      const result = await securityGate.run(apiContext());
      expect(result.status).toBe('fail');
      expect(result.evidence.rows).toContainEqual(
        expect.objectContaining({
          check: 'data_api',
          table: 'affiliate_clicks',
          actor: 'owner',
          expected: 'own rows only',
        }),
      );
    } finally {
      await db.pool.query('drop policy kit_test_leak on public.affiliate_clicks');
    }
  });
});

describe('the accuracy gates when the app answers a call wrongly', () => {
  const via = (url: string) => {
    const ctx = testContext(db.pool, {
      seedRunIds: [world.runId],
      api: stackApi(stack, url),
    });
    return ctx;
  };

  it('a 200 whose body is not JSON fails recommendation-accuracy for those users instead of leaving both gates unjudged', async () => {
    const app = await startFaultyApp(stack.url, ({ path }) =>
      path === '/api/v1/recommendations/' ? { status: 200, body: '<html>upstream error</html>' } : undefined,
    );
    try {
      const ctx = via(app.url);
      const recommendations = await recommendationGate.run(ctx);
      expect(recommendations.status, recommendations.evidence.summary).toBe('fail');
      expect(recommendations.evidence.summary).toContain('a body that is not JSON');
      expect(recommendations.evidence.figures?.['recommendationFailures']).toBe(
        recommendations.evidence.figures?.['measuredUsers'],
      );
      // The same answers, shared: the preference gate is judged on the preferences, not left unjudged.
      expect((await preferenceGate.run(ctx)).status).not.toBe('insufficient-data');
    } finally {
      await app.stop();
    }
  });

  it('a 403 to a user asking for their own preferences fails preference-accuracy', async () => {
    const [refused] = world.userIds;
    const app = await startFaultyApp(stack.url, ({ path, userId }) =>
      path === '/rest/v1/user_preferences' && userId === refused
        ? { status: 403, body: JSON.stringify({ message: 'permission denied for table user_preferences' }) }
        : undefined,
    );
    try {
      const ctx = via(app.url);
      const result = await preferenceGate.run({ ...ctx, config: { ...ctx.config, preferenceSource: 'api' } });
      expect(result.status, result.evidence.summary).toBe('fail');
      expect(result.evidence.summary).toContain(
        `GET /rest/v1/user_preferences as user ${refused} answered 403 to the user asking for their own preferences`,
      );
      expect(result.evidence.figures?.['usersAnsweredWrongly']).toBe(1);
    } finally {
      await app.stop();
    }
  });
});

describe('preference-accuracy gate reading through the Data API', () => {
  it("reads each user's stored preferences as that user and passes", async () => {
    const ctx = testContext(db.pool, {
      seedRunIds: [world.runId],
      api: stackApi(stack),
    });
    const result = await preferenceGate.run({
      ...ctx,
      config: { ...ctx.config, preferenceSource: 'api' },
    });
    expect(result.evidence.figures?.['source']).toBe('Data API /rest/v1/user_preferences');
    expect(result.evidence.figures?.['usersWithoutPreferences']).toBe(0);
    expect(result.status, result.evidence.summary).toBe('pass');
  });
});
