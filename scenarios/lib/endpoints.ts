/**
 * Which endpoints each journey sends and how often, so thresholds (and with them the summary's
 * per-endpoint rows) are declared for exactly the endpoints a run exercises, and a plan can say how
 * many requests each endpoint will get. Pure; kept beside the journeys (scenarios/journeys/), which
 * test/scenarios/planned-requests.test.ts checks it against.
 */
import { type JourneyName, journeyBehaviour, journeyNames } from '../../model/profiles.ts';
import { routes, type TableName, tables } from '../../model/target.ts';
import { timesTaken } from './mix.ts';

/** The Data API tables the RLS probe reads as another user, and where it tries to write in their name. */
export const probe = {
  reads: [tables.swipeInteractions, tables.affiliateClicks, tables.userPreferences],
  insertInto: tables.swipeInteractions,
  updateIn: tables.userPreferences,
} as const satisfies { reads: readonly TableName[]; insertInto: TableName; updateIn: TableName };

export const restName = (table: TableName): string => `rest_${table}`;

/**
 * One request a journey's iteration sends: `times` on every iteration, or once on `share` of them
 * (mix.ts takesShare). A request the journey skips when an earlier answer is empty (no
 * recommendation to react to, no click id to convert) is planned as sent: on a seeded target it is.
 */
export type EndpointCall =
  | { readonly endpoint: string; readonly times: number }
  | { readonly endpoint: string; readonly share: number };

export const journeyCalls: Readonly<Record<JourneyName, readonly EndpointCall[]>> = {
  swipingUser: [
    { endpoint: routes.swipeSessionStart.name, times: 1 },
    { endpoint: routes.products.name, times: 1 },
    { endpoint: routes.swipe.name, times: journeyBehaviour.swipesPerSession },
    { endpoint: routes.product.name, share: journeyBehaviour.detailViewShare },
    { endpoint: routes.affiliateClick.name, share: journeyBehaviour.affiliateClickShare },
  ],
  returningUser: [
    { endpoint: routes.recommendations.name, times: 1 },
    { endpoint: routes.userStatistics.name, times: 1 },
    { endpoint: routes.recommendationInteraction.name, times: 1 },
    { endpoint: routes.giftLinkCreate.name, share: journeyBehaviour.giftLinkShare },
  ],
  anonymousBrowser: [
    { endpoint: restName(tables.categories), times: 1 },
    { endpoint: restName(tables.products), times: 1 },
  ],
  networkPostback: [
    { endpoint: routes.affiliateClick.name, times: 1 },
    { endpoint: routes.affiliatePostback.name, times: 1 },
  ],
  rlsProbe: [...probe.reads, probe.insertInto, probe.updateIn].map((table) => ({
    endpoint: restName(table),
    times: 1,
  })),
};

export const journeyEndpoints: Readonly<Record<JourneyName, readonly string[]>> = {
  swipingUser: endpointNames('swipingUser'),
  returningUser: endpointNames('returningUser'),
  anonymousBrowser: endpointNames('anonymousBrowser'),
  networkPostback: endpointNames('networkPostback'),
  rlsProbe: endpointNames('rlsProbe'),
};

/** Endpoint names of the given journeys, each once, in a stable order. */
export function endpointsOf(journeys: readonly JourneyName[]): string[] {
  return [...new Set(journeys.flatMap((j) => journeyEndpoints[j]))];
}

/**
 * Requests per endpoint that the given iterations of each journey send, as the journeys decide
 * them; endpoints no iteration reaches are left out.
 * @example plannedRequests({ swipingUser: 24, returningUser: 0, anonymousBrowser: 0, networkPostback: 0, rlsProbe: 0 }).product_detail // 8
 */
export function plannedRequests(iterations: Readonly<Record<JourneyName, number>>): Record<string, number> {
  const planned: Record<string, number> = {};
  for (const journey of journeyNames) {
    const n = iterations[journey];
    for (const call of journeyCalls[journey]) {
      const count = 'share' in call ? timesTaken(n, call.share) : n * call.times;
      if (count > 0) planned[call.endpoint] = (planned[call.endpoint] ?? 0) + count;
    }
  }
  return planned;
}

function endpointNames(journey: JourneyName): string[] {
  return [...new Set(journeyCalls[journey].map((c) => c.endpoint))];
}
