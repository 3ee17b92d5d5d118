// Verify's probes on a stack that issues the new keys and ES256 tokens: the real-data and
// recommendation calls to the App API, the security gate's Data API matrix and preferences read
// through the Data API all pass with the publishable and secret keys and tokens minted with the
// stack's signing key; tokens minted the legacy way are refused, so the probes cannot pass by luck.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JwtSigner } from '../../lib/jwt.ts';
import { localKeys } from '../../stack/server/keys.ts';
import type { LoadEvidence, VerifyContext } from '../../verify/context.ts';
import preferenceGate from '../../verify/gates/preference-accuracy.ts';
import realDataGate from '../../verify/gates/real-data.ts';
import recommendationGate from '../../verify/gates/recommendation-accuracy.ts';
import securityGate from '../../verify/gates/security.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { rlsProbedLoad, testContext } from './context.ts';
import { plantWorld, type World } from './world.ts';

let db: TestDatabase;
let stack: TestStack;
let world: World;

beforeAll(async () => {
  db = await freshDatabase();
  world = await plantWorld(db.pool, { measuredUsers: 32, coldUsers: 0, swipesPerUser: 60 });
  stack = await startTestStack(db, { keyMode: 'new' });
});
afterAll(async () => {
  await stack?.stop();
  await db?.close();
});

function context(userTokens: JwtSigner | null = stack.keys.signer, load?: LoadEvidence): VerifyContext {
  return testContext(db.pool, {
    seedRunIds: [world.runId],
    api: {
      url: stack.url,
      anonKey: stack.anonKey,
      serviceRoleKey: stack.serviceRoleKey,
      ...(userTokens ? { userTokens } : {}),
    },
    ...(load ? { load } : {}),
  });
}

/** Load evidence naming one write of each kind, so real-data judges its whole rule. */
async function someWrites(): Promise<LoadEvidence> {
  const swipe = (
    await db.pool.query<{ id: string }>('select id::text from public.swipe_interactions order by id limit 1')
  ).rows[0]!.id;
  const writes = [
    { entity: 'swipe', id: swipe },
    { entity: 'swipe_session', id: world.sessionIds[0] as string },
    { entity: 'affiliate_click', id: world.clickIds[0] as string },
  ];
  return { writes, clickIds: [], sources: [] } as unknown as LoadEvidence;
}

describe('verify against a stack with publishable/secret keys and ES256 tokens', () => {
  it('the API keys are the new kind', () => {
    expect(stack.anonKey).toMatch(/^sb_publishable_/);
    expect(stack.serviceRoleKey).toMatch(/^sb_secret_/);
    expect(stack.keys.signer.alg).toBe('ES256');
  });

  it('real-data: the per-user App API probes pass', async () => {
    const result = await realDataGate.run(context(stack.keys.signer, await someWrites()));
    expect(result.evidence.rows, result.evidence.summary).toEqual([]);
    expect(result.status).toBe('pass');
    expect(result.evidence.figures?.['usersProbed']).toBe(30);
  });

  it('security: the Data API matrix as anon, a user and the service role finds nothing', async () => {
    const result = await securityGate.run(context(stack.keys.signer, rlsProbedLoad()));
    expect(result.evidence.figures?.['dataApiFindings']).toBe(0);
    expect(result.status).toBe('pass');
  });

  it("preference-accuracy: each user's preferences read through the Data API", async () => {
    const ctx = context();
    const result = await preferenceGate.run({ ...ctx, config: { ...ctx.config, preferenceSource: 'api' } });
    expect(result.evidence.figures?.['usersWithoutPreferences']).toBe(0);
    expect(result.status, result.evidence.summary).toBe('pass');
  });

  it('tokens minted with the legacy secret are refused: the probes say so', async () => {
    const legacy = (await localKeys(stack.jwtSecret, 'legacy')).signer;
    const security = await securityGate.run(context(legacy));
    expect(security.status).toBe('fail');
    expect(security.evidence.rows).toContainEqual(expect.objectContaining({ check: 'data_api', actor: 'owner' }));
    const realData = await realDataGate.run(context(legacy, await someWrites()));
    expect(realData.status).not.toBe('pass');
  });

  it("without a key to mint users' tokens (asymmetric keys, no private key given) the per-user probes are not judged, never failed", async () => {
    const realData = await realDataGate.run(context(null, await someWrites()));
    expect(realData.status).not.toBe('fail');
    expect(realData.evidence.summary).toContain('per-user endpoints not probed: no key to mint');
    const recommendations = await recommendationGate.run(context(null));
    expect(recommendations.status).toBe('insufficient-data');
    expect(recommendations.evidence.summary).toContain('KIT_JWT_SIGNING_KEY');
  });
});
