/**
 * setup(): probes the target before any load and stops the run with one clear sentence when
 * something is wrong: unreachable URL, wrong anon key, no or broken manifest, a manifest made for
 * another target, a refused token, seeded data missing.
 */
import { routePath, routes, tables } from '../../model/target.ts';
import { send } from './http.ts';
import type { ManifestHeader } from './manifest.ts';
import { apiKeyProblem, healthProblem, seededProductProblem, targetProblem, tokenProblem } from './probe.ts';
import { appRequest, type RequestSpec, restRequest } from './requests.ts';
import type { Reply, Runtime, World } from './runtime.ts';

export interface SetupData {
  /** Unique per run: keeps order ids of different runs apart. */
  readonly runTag: string;
  readonly startedAt: string;
  readonly seedRunId: string;
}

/** The seed manifest's header as the runtime loaded it, or why it could not. */
export interface ManifestState {
  readonly header?: ManifestHeader;
  readonly problem?: string;
}

/** Thrown by setup() when the target is not ready; both runtimes stop before any load. */
export class SetupRefused extends Error {
  constructor(problem: string) {
    super(`setup: the target is not ready for load: ${problem}`);
    this.name = 'SetupRefused';
  }
}

const PROBE_TIMEOUT_SECONDS = 10;

export async function setup(rt: Runtime, world: World, manifest: ManifestState): Promise<SetupData> {
  const { target, env, users, products } = world;
  const probe = (spec: RequestSpec): Promise<Reply> => send(rt, { ...spec, ownResource: false }, PROBE_TIMEOUT_SECONDS);

  const health = await probe(appRequest(target, routes.health));
  stopIf(healthProblem(`${target.apiUrl}${routePath(routes.health)}`, health));

  const header = manifest.header;
  if (manifest.problem !== undefined || !header)
    stopIf(manifest.problem ?? `seed manifest ${env.manifestPath} has no target or run id`);
  const runId = header!.runId;
  stopIf(targetProblem(env.manifestPath, header!.target.apiUrl, target.apiUrl));

  const categoriesUrl = `${target.supabaseUrl}/rest/v1/${tables.categories}`;
  stopIf(
    apiKeyProblem(
      categoriesUrl,
      await probe(restRequest(target, tables.categories, { query: 'select=id&limit=1', expected: [200, 401, 403] })),
    ),
  );

  // /users/me, not /auth/me: it checks the token the way every journey route does (signature, expiry,
  // the user's row), while /auth/me also asks Auth for a live sign-in session, which pre-minted
  // tokens need not have.
  const user = users[0]!;
  const me = await probe(appRequest(target, routes.userMe, { token: user.accessToken, expected: [200, 401, 403] }));
  stopIf(tokenProblem(`${target.apiUrl}${routePath(routes.userMe)}`, user.email, me));

  const product = products[0]!;
  const seeded = await probe(
    restRequest(target, tables.products, { query: `select=id&id=eq.${product.id}`, expected: [200] }),
  );
  stopIf(seededProductProblem(product.id, runId, seeded));

  // Instances of one distributed run share K6_RUN_TAG; the instance number keeps their order ids apart
  // (each instance numbers its VUs from 1).
  const base = env.runTag ?? Date.now().toString(36);
  return {
    runTag: env.instance ? `${base}-i${env.instance}` : base,
    startedAt: new Date().toISOString(),
    seedRunId: runId,
  };
}

function stopIf(problem: string | undefined): void {
  if (problem !== undefined) throw new SetupRefused(problem);
}
