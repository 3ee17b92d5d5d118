/**
 * An engine script whose every iteration is one GET of `<url>/` named `answer`: the load the
 * engine's timing tests put on a known server, with their own scenarios and tags.
 */
import type { EngineOptions, EngineScript } from '../../../engine/run.ts';

export function getScript(
  url: string,
  scenarios: EngineOptions['scenarios'],
  tags: Record<string, string> = {},
): EngineScript<undefined> {
  return {
    options: { scenarios, thresholds: {}, summaryTrendStats: ['med', 'count'], tags, userAgent: 'kit-test' },
    customMetrics: [],
    setup: async () => undefined,
    exec: {
      get: async (rt) => {
        await rt.request(
          {
            method: 'GET',
            url: `${url}/`,
            headers: {},
            body: undefined,
            name: 'answer',
            expected: [200],
            ownResource: false,
          },
          30,
        );
      },
    },
    handleSummary: () => ({}),
  };
}
