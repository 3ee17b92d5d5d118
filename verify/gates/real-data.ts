/**
 * Real data, not mocks: every write the load made is in the database; product ids are stable
 * across calls; recommendations are non-empty for users with history and follow their
 * preferences; per-user endpoints do not answer the same canned body to different users.
 */

import { mapInOrder } from '../../lib/in-order.ts';
import { APP_CALLS_IN_FLIGHT, callRoute, listOf, productIdOf, routes } from '../checks/app-probe.ts';
import { stableBody } from '../checks/canned.ts';
import { type Finding, finding, findingRow, firstRows, gateResult, insufficient, oneLine } from '../checks/result.ts';
import { mintUserToken, NO_TOKEN_KEY } from '../checks/tokens.ts';
import { judgedRuns } from '../checks/truth.ts';
import type { VerifyContext } from '../context.ts';
import { percent, round } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { checkFile, queryFile, runCheck, runQuery } from '../sql/run.ts';

/** What the API probes find, in a check's words (docs/gates/real-data.md). */
const PROBES = {
  products_list: {
    title: 'Product list unavailable',
    remediation: 'Serve the product list from the products table.',
  },
  ids_unstable: {
    title: 'Product ids change between identical calls',
    remediation: 'Serve products from the products table with their primary keys.',
  },
  recommendations_empty: {
    title: 'No recommendations for a user with history',
    remediation: 'Compute recommendations from user_preferences and the catalogue.',
  },
  recommendations_unknown_products: {
    title: 'Recommended products not in the catalogue',
    remediation: 'Recommend products of public.products, by their ids.',
  },
  recommendations_ignore_preferences: {
    title: "Recommendations ignore the user's preferences",
    remediation: "Draw recommendations from the user's best-liked categories (user_preferences).",
  },
  statistics_unavailable: {
    title: 'User statistics unavailable',
    remediation: "Answer the user's statistics from their stored events.",
  },
  canned_body: {
    title: 'The same body for different users',
    remediation: 'Replace the mock with per-user queries.',
  },
  per_user_probe: {
    title: 'Per-user probe failed',
    remediation: 'Read the error: the per-user endpoints could not be called.',
  },
} as const;

const probe = (
  name: keyof typeof PROBES,
  object: string,
  detail: string,
  metadata: Record<string, unknown> = {},
): Finding => finding({ name, ...PROBES[name], level: 'error', object, detail, metadata });

/** The kind a finding counts as: the SQL check's problem (write_missing, unknown_entity), else its name. */
const kindOf = (f: Finding): string => (typeof f.metadata['problem'] === 'string' ? f.metadata['problem'] : f.name);
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const gate = {
  id: 'real-data',
  title: 'Real data integration, no mock data',
  level: 'error',
  checklist: ['Verify real data integration', 'Confirm mock data removal', 'Endpoints returning real data'],
} as const;

const thresholdOf = ({ realData: r }: VerifyContext['criteria']): string =>
  `every load write in the database; product ids stable across calls; recommendations non-empty and >= ${r.minPreferenceShare * 100}% from each user's top-3 liked categories, for at least ${r.minProbedUsers} users or ${r.probedUserFraction * 100}% of users with swipes (at most ${r.maxProbedUsers}); no one body (ids and times aside) for more than ${r.maxSameBodyShare * 100}% of the probed users`;

/**
 * The share of the items the app returned whose product is a real one of the user's top categories,
 * each product counted once: an invented id counts against the share, a repeated one adds nothing.
 */
export function preferredShare(
  items: number,
  returnedIds: readonly string[],
  known: readonly { readonly id: string; readonly category_id: string | null }[],
  topCategories: readonly string[],
): number {
  if (items === 0) return 0;
  const category = new Map(known.map((r) => [r.id.toLowerCase(), r.category_id]));
  const preferred = new Set(
    returnedIds.filter((id) => {
      const c = category.get(id.toLowerCase());
      return c !== undefined && c !== null && topCategories.includes(c);
    }),
  );
  return preferred.size / items;
}

/**
 * The body answered to more than `maxShare` of the users (ids and times aside), with how many got it;
 * undefined when none was. Refusals (`status …`) are the other checks' findings, not a canned body.
 */
export function cannedBody(
  bodies: readonly string[],
  maxShare: number,
): { readonly body: string; readonly users: number } | undefined {
  if (bodies.length < 2) return undefined;
  const counts = new Map<string, number>();
  for (const b of bodies) if (!b.startsWith('status ')) counts.set(b, (counts.get(b) ?? 0) + 1);
  const [body, users] = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0] ?? ['', 0];
  return users >= 2 && users / bodies.length > maxShare ? { body, users } : undefined;
}

interface UserProbe {
  readonly findings: Finding[];
  readonly share: number | undefined;
  readonly recommendations: string;
  readonly statistics: string;
}

async function run(ctx: VerifyContext): Promise<GateResult> {
  const findings: Finding[] = [];
  const figures: Record<string, number | string | null> = {};
  const notes: string[] = [];
  const threshold = thresholdOf(ctx.criteria);
  const { minPreferenceShare, minProbedUsers, probedUserFraction, maxProbedUsers } = ctx.criteria.realData;
  let judged = 0;

  // 1. Writes counted back.
  const writes = ctx.load?.writes ?? [];
  if (ctx.db !== undefined && writes.length > 0) {
    try {
      const missing = await runCheck(ctx.db, checkFile('real-data', 'load_writes_missing'), [JSON.stringify(writes)]);
      findings.push(...missing);
      figures['loadWrites'] = writes.length;
      figures['loadWritesMissing'] = missing.filter((m) => kindOf(m) === 'write_missing').length;
      judged += 1;
    } catch (error) {
      notes.push(`load writes not counted back: ${oneLine(error)}`);
    }
  } else
    notes.push(
      ctx.db === undefined
        ? `load writes not counted back: no database (${ctx.dbError ?? 'not configured'})`
        : 'load writes not counted back: the k6 evidence lists no aclue_writes',
    );

  if (ctx.app === undefined) notes.push(`App API not probed: ${ctx.appError ?? 'no App API URL'}`);
  else {
    const api = ctx.api ?? { userTokens: undefined };
    const base = ctx.app.url;
    // 2. Ids stable across two identical calls.
    try {
      const [a, b] = [await callRoute(base, routes.products), await callRoute(base, routes.products)];
      const ids = (x: typeof a): string[] =>
        (listOf(x.body) ?? [])
          .map(productIdOf)
          .filter((id): id is string => id !== undefined)
          .sort();
      const first = ids(a);
      const second = ids(b);
      figures['productsListed'] = first.length;
      if (a.status !== 200 || first.length === 0)
        findings.push(
          probe(
            'products_list',
            `GET ${routes.products.path}`,
            `GET ${routes.products.path} answered ${a.status} with ${first.length} product ids`,
          ),
        );
      else if (first.join() !== second.join()) {
        const changed = first.filter((id) => !second.includes(id)).length;
        findings.push(
          probe(
            'ids_unstable',
            `GET ${routes.products.path}`,
            `GET ${routes.products.path} twice: ${changed} of ${first.length} product ids changed between calls`,
            { first: first.slice(0, 3).join(', '), second: second.slice(0, 3).join(', ') },
          ),
        );
      }
      judged += 1;
    } catch (error) {
      findings.push(
        probe('products_list', `GET ${routes.products.path}`, `GET ${routes.products.path} failed: ${oneLine(error)}`),
      );
    }

    // 3 and 4. Per-user answers for users with history.
    if (ctx.db === undefined) notes.push('per-user endpoints not probed: no database to find users with history');
    else if (api.userTokens === undefined) notes.push(`per-user endpoints not probed: ${NO_TOKEN_KEY}`);
    else {
      try {
        const truth = await judgedRuns(ctx.db, ctx.seedRunIds);
        const users = await runQuery<{ user_id: string; swipes: number; top_categories: string[] }>(
          ctx.db,
          queryFile('real-data', 'users_with_history'),
          [truth.complete, minProbedUsers, probedUserFraction, maxProbedUsers],
        );
        if (users.length < 2)
          notes.push(`per-user endpoints not probed: ${users.length} users with swipes in the database (need 2)`);
        else {
          judged += 1;
          const db = ctx.db;
          // APP_CALLS_IN_FLIGHT users at a time; each user's findings and bodies are kept in the users' order, so the
          // evidence does not depend on which answer came first.
          const probed = await mapInOrder(users, APP_CALLS_IN_FLIGHT, async (u): Promise<UserProbe> => {
            const own: Finding[] = [];
            let share: number | undefined;
            const token = await mintUserToken(api, u.user_id);
            const recs = await callRoute(base, routes.recommendations, token);
            const items = listOf(recs.body) ?? [];
            if (recs.status !== 200 || items.length === 0) {
              own.push(
                probe(
                  'recommendations_empty',
                  `user ${u.user_id}`,
                  `GET ${routes.recommendations.path} as a user with ${u.swipes} swipes answered ${recs.status} with ${items.length} items`,
                  { user_id: u.user_id },
                ),
              );
            } else {
              const productIds = items.map(productIdOf).filter((id): id is string => id !== undefined);
              const known = await db.query<{ id: string; category_id: string | null }>(
                // Typed lookup through the primary key (a cast on the table's side scans it): ids that are
                // no uuid cannot be products and simply are not found.
                'select id::text, category_id::text from public.products where id = any ($1::uuid[])',
                [[...new Set(productIds.filter((id) => UUID.test(id)))]],
              );
              if (known.rows.length === 0)
                own.push(
                  probe(
                    'recommendations_unknown_products',
                    `user ${u.user_id}`,
                    `none of ${items.length} recommended product ids is in public.products`,
                    { user_id: u.user_id },
                  ),
                );
              else {
                share = preferredShare(items.length, productIds, known.rows, u.top_categories);
                if (share < minPreferenceShare) {
                  own.push(
                    probe(
                      'recommendations_ignore_preferences',
                      `user ${u.user_id}`,
                      `${percent(share, 0)} of recommendations from the user's top-3 liked categories (need ${minPreferenceShare * 100}%)`,
                      { user_id: u.user_id },
                    ),
                  );
                }
              }
            }
            const stats = await callRoute(base, routes.userStatistics, token);
            if (stats.status !== 200)
              own.push(
                probe(
                  'statistics_unavailable',
                  `user ${u.user_id}`,
                  `GET ${routes.userStatistics.path} answered ${stats.status}`,
                  { user_id: u.user_id },
                ),
              );
            return {
              findings: own,
              share,
              recommendations: stableBody(recs.body),
              statistics: stats.status === 200 ? stableBody(stats.body) : `status ${stats.status}`,
            };
          });
          const shares = probed.flatMap((x) => (x.share === undefined ? [] : [x.share]));
          for (const x of probed) findings.push(...x.findings);
          const bodies: Record<string, string[]> = {
            recommendations: probed.map((x) => x.recommendations),
            statistics: probed.map((x) => x.statistics),
          };
          figures['usersProbed'] = users.length;
          figures['meanPreferenceShare'] =
            shares.length > 0 ? round(shares.reduce((s, x) => s + x, 0) / shares.length, 3) : null;
          for (const [name, list] of Object.entries(bodies)) {
            const route = name === 'statistics' ? routes.userStatistics : routes.recommendations;
            const canned = cannedBody(list, ctx.criteria.realData.maxSameBodyShare);
            if (canned !== undefined) {
              findings.push(
                probe(
                  'canned_body',
                  `GET ${route.path}`,
                  `GET ${route.path} answered the same body (ids and times aside) to ${canned.users} of ${list.length} different users: ${canned.body.slice(0, 120)}`,
                  { endpoint: route.name, users: canned.users, probed: list.length },
                ),
              );
            }
          }
        }
      } catch (error) {
        findings.push(probe('per_user_probe', 'per-user endpoints', `per-user probe failed: ${oneLine(error)}`));
      }
    }
  }

  const failed = findings.filter((f) => kindOf(f) !== 'unknown_entity');
  // A part not checked (no load writes, no API, no users to probe) leaves the rule unjudged: never a pass.
  if (failed.length === 0 && notes.length > 0)
    return insufficient(gate, threshold, `Not judged: ${notes.join('; ')}.`, {
      figures: { ...figures, notChecked: notes.join('; ') },
    });
  const status = failed.length > 0 ? 'fail' : 'pass';
  const kinds = [...new Set(failed.map(kindOf))];
  return gateResult(
    gate,
    status,
    threshold,
    failed.length === 0
      ? `no mock behaviour found in ${judged} probes`
      : `${failed.length} findings: ${kinds.join(', ')}`,
    {
      summary:
        failed.length > 0
          ? `Failed: ${kinds.map((k) => failed.find((f) => kindOf(f) === k)?.detail).join('; ')}.`
          : `Writes, ids and per-user answers are real.${notes.length > 0 ? ` Not checked: ${notes.join('; ')}.` : ''}`,
      figures: { ...figures, notChecked: notes.join('; ') || null },
      rows: kinds.concat(findings.some((f) => kindOf(f) === 'unknown_entity') ? ['unknown_entity'] : []).flatMap((k) =>
        firstRows(
          findings.filter((f) => kindOf(f) === k),
          10,
        ).map(findingRow),
      ),
      links: ['#real-data'],
    },
  );
}

export default { ...gate, run } satisfies Gate<VerifyContext>;
