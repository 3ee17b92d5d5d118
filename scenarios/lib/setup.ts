/**
 * setup(): probes the target before any load and stops the run with one clear sentence when
 * something is wrong: unreachable URL, wrong anon key, no or broken manifest, a manifest made for
 * another target, a refused token, seeded data missing.
 */
import { routePath, routes, tables } from '../../model/target.ts';
import { manifestHeader, products, target, users, env } from './context.ts';
import { send, type Reply } from './http.ts';
import { apiKeyProblem, healthProblem, seededProductProblem, targetProblem, tokenProblem } from './probe.ts';
import { appRequest, restRequest } from './requests.ts';

export interface SetupData {
  /** Unique per run: keeps order ids of different runs apart. */
  readonly runTag: string;
  readonly startedAt: string;
  readonly seedRunId: string;
}

const PROBE_TIMEOUT = '10s';

export function setup(): SetupData {
  const health = probe(appRequest(target, routes.health));
  stopIf(healthProblem(`${target.apiUrl}${routePath(routes.health)}`, health));

  if (manifestHeader.problem !== undefined || !manifestHeader.target || !manifestHeader.runId) {
    stopIf(manifestHeader.problem ?? `seed manifest ${env.manifestPath} has no target or run id`);
  }
  const runId = manifestHeader.runId!;
  stopIf(targetProblem(env.manifestPath, manifestHeader.target!.apiUrl, target.apiUrl));

  const categoriesUrl = `${target.supabaseUrl}/rest/v1/${tables.categories}`;
  stopIf(apiKeyProblem(categoriesUrl, probe(restRequest(target, tables.categories, { query: 'select=id&limit=1', expected: [200, 401, 403] }))));

  // /users/me, not /auth/me: it checks the token the way every journey route does (signature, expiry,
  // the user's row), while /auth/me also asks Auth for a live sign-in session, which pre-minted
  // tokens need not have.
  const user = users[0]!;
  const me = probe(appRequest(target, routes.userMe, { token: user.accessToken, expected: [200, 401, 403] }));
  stopIf(tokenProblem(`${target.apiUrl}${routePath(routes.userMe)}`, user.email, me));

  const product = products[0]!;
  const seeded = probe(restRequest(target, tables.products, { query: `select=id&id=eq.${product.id}`, expected: [200] }));
  stopIf(seededProductProblem(product.id, runId, seeded));

  // Instances of one distributed run share K6_RUN_TAG; the instance number keeps their order ids apart
  // (each instance numbers its VUs from 1).
  const base = env.runTag ?? Date.now().toString(36);
  return { runTag: env.instance ? `${base}-i${env.instance}` : base, startedAt: new Date().toISOString(), seedRunId: runId };
}

// --- internal ---

function probe(spec: Parameters<typeof send>[0]): Reply {
  return send({ ...spec, ownResource: false }, { timeout: PROBE_TIMEOUT });
}

function stopIf(problem: string | undefined): void {
  if (problem !== undefined) throw new Error(`setup: the target is not ready for load: ${problem}`);
}
