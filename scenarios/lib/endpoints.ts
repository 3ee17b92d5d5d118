/**
 * Which endpoint names each journey sends, so thresholds (and with them the summary's per-endpoint
 * rows) are declared for exactly the endpoints a run exercises. Pure.
 */
import type { JourneyName } from '../../model/profiles.ts';
import { routes, tables, type TableName } from '../../model/target.ts';

/** The Data API tables the RLS probe reads as another user, and where it tries to write in their name. */
export const probe = {
  reads: [tables.swipeInteractions, tables.affiliateClicks, tables.userPreferences],
  insertInto: tables.swipeInteractions,
  updateIn: tables.userPreferences,
} as const satisfies { reads: readonly TableName[]; insertInto: TableName; updateIn: TableName };

export const restName = (table: TableName): string => `rest_${table}`;

export const journeyEndpoints: Readonly<Record<JourneyName, readonly string[]>> = {
  swipingUser: [routes.swipeSessionStart.name, routes.products.name, routes.swipe.name, routes.product.name, routes.affiliateClick.name],
  returningUser: [
    routes.recommendations.name,
    routes.userStatistics.name,
    routes.recommendationInteraction.name,
    routes.giftLinkCreate.name,
  ],
  anonymousBrowser: [restName(tables.categories), restName(tables.products)],
  networkPostback: [routes.affiliateClick.name, routes.affiliatePostback.name],
  rlsProbe: [...new Set([...probe.reads, probe.insertInto, probe.updateIn])].map(restName),
};

/** Endpoint names of the given journeys, each once, in a stable order. */
export function endpointsOf(journeys: readonly JourneyName[]): string[] {
  return [...new Set(journeys.flatMap((j) => journeyEndpoints[j]))];
}
