/**
 * GET /api/v1/recommendations/?limit=k as each of the given users, APP_CALLS_IN_FLIGHT at a time: the product ids
 * in the app's order, and the users whose call failed. Opening recommendations is also what makes
 * the app calculate a user's preferences, so `preference-accuracy` asks first and
 * `recommendation-accuracy` scores the same answers: one call per sampled user per verify, memoised
 * on the verify context (the same users and k give the same promise). A call that fails (no answer,
 * a status outside 2xx, a body that is no JSON) is that user's problem line and an empty list, which
 * the gates score as the app's answer; it never rejects the shared promise, so one bad answer cannot
 * turn both gates' findings into "could not judge".
 */
import { Agent, request } from 'undici';
import { mapInOrder } from '../../lib/in-order.ts';
import { routePath, routes } from '../../model/target.ts';
import type { VerifyContext } from '../context.ts';
import { APP_CALLS_IN_FLIGHT, listOf, productIdOf } from './app-probe.ts';
import { mintUserToken } from './tokens.ts';

export interface RecommendedLists {
  /** The product ids each user's call answered, in the app's order; absent for a failed call. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** One line per failed user, sorted: `user <id>: <why>`. */
  readonly problems: readonly string[];
}

const asked = new WeakMap<VerifyContext, Map<string, Promise<RecommendedLists>>>();

export function recommendedLists(ctx: VerifyContext, userIds: readonly string[], k: number): Promise<RecommendedLists> {
  const key = `${k}:${userIds.join(',')}`;
  let memo = asked.get(ctx);
  if (!memo) asked.set(ctx, (memo = new Map()));
  let answer = memo.get(key);
  if (!answer) memo.set(key, (answer = ask(ctx, userIds, k)));
  return answer;
}

async function ask(ctx: VerifyContext, userIds: readonly string[], k: number): Promise<RecommendedLists> {
  if (ctx.app === undefined) throw new Error(`recommendations not asked: ${ctx.appError ?? 'no App API URL'}`);
  // Users' tokens come from the Supabase side's keys (ctx.api); the calls go to the app's own host.
  const api = ctx.api ?? { userTokens: undefined };
  const url = `${ctx.app.url}${routePath(routes.recommendations)}?limit=${k}`;
  const lists = new Map<string, string[]>();
  const problems: string[] = [];
  // One keep-alive connection per worker (undici request), released when the calls are done.
  const agent = new Agent({ connections: APP_CALLS_IN_FLIGHT });
  try {
    await mapInOrder(userIds, APP_CALLS_IN_FLIGHT, async (id) => {
      const res = await request(url, {
        dispatcher: agent,
        headers: { accept: 'application/json', authorization: `Bearer ${await mintUserToken(api, id)}` },
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      }).catch((e: Error) => e);
      if (res instanceof Error || res.statusCode < 200 || res.statusCode > 299) {
        problems.push(`user ${id}: ${res instanceof Error ? res.message : `answered ${res.statusCode}`}`);
        if (!(res instanceof Error)) await res.body.dump();
      } else {
        const text = await res.body.text().catch((e: Error) => e);
        const body = text instanceof Error ? text : parseJson(text);
        if (body instanceof Error)
          problems.push(
            `user ${id}: answered ${res.statusCode} with ${text instanceof Error ? `a body that could not be read (${body.message})` : `a body that is not JSON: ${JSON.stringify(text.slice(0, 60))}`}`,
          );
        else
          lists.set(
            id,
            (listOf(body) ?? []).map(productIdOf).filter((p): p is string => p !== undefined),
          );
      }
    });
  } finally {
    await agent.close();
  }
  return { lists, problems: problems.sort() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return error as Error;
  }
}
