/**
 * Availability under load: the share of failed requests (k6's http_req_failed: transport errors
 * and unexpected statuses), the share of failed checks (a 200 with the wrong body is still a
 * failure to serve), judged against the same rate the load's own `checks` threshold uses, and
 * authentication failures on a user's own resources, which the scenarios count in
 * `aclue_auth_failures` (a 401/403 where the user's own token should be accepted). Each needs its
 * evidence: checks the run made, requests to users' own resources, and the auth-failure counter the
 * run declared; without one the gate is insufficient-data naming it (a failure found stays a fail).
 */

import { isOwnResource, routes } from '../../model/target.ts';
import { insufficient } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import { percent } from '../format.ts';
import type { Gate, GateResult } from '../gate.ts';
import { counterCounted, profileNote, sourceNote, unusableLoad } from '../k6/gate-support.ts';

/** The app routes a user calls on their own rows (k6 name tags). */
const OWN_RESOURCE_ENDPOINTS: ReadonlySet<string> = new Set(
  Object.values(routes)
    .filter(isOwnResource)
    .map((r) => r.name),
);

const gate = {
  id: 'availability',
  title: 'Availability: failed requests and authentication failures',
  level: 'error',
  checklist: ['99.9% database uptime', 'Zero authentication failures'],
} as const;

export default {
  ...gate,
  async run({ load, criteria }: VerifyContext): Promise<GateResult> {
    const maxRate = criteria.maxFailedRequestRate;
    const maxAuth = criteria.maxAuthFailures;
    const threshold = `failed requests < ${percent(maxRate, 1)}; failed checks ≤ ${percent(maxRate, 1)}; authentication failures on own resources ≤ ${maxAuth}`;
    const unusable = unusableLoad(gate, threshold, load);
    if (unusable) return unusable;
    const l = load!;
    if (l.overall.requests === 0)
      return insufficient(gate, threshold, 'The run recorded no HTTP requests (no http_req_duration samples).');
    const rate = l.overall.failed / l.overall.requests;
    const auth = l.counters.aclue_auth_failures ?? 0;
    const rateFails = rate >= maxRate;
    const checks = l.checks.passes + l.checks.fails;
    const checkRate = checks === 0 ? 0 : l.checks.fails / checks;
    // As the scenarios' threshold `checks: rate>=1-max`: exactly at the limit passes.
    const checksFail = checkRate > maxRate;
    const authFails = auth > maxAuth;
    const rows = l.endpoints
      .filter((e) => e.failed > 0 || (l.authFailuresByEndpoint[e.name] ?? 0) > 0)
      .sort((a, b) => b.failed - a.failed)
      .map((e) => ({
        endpoint: e.name,
        requests: e.requests,
        failed: e.failed,
        error_rate: percent(e.errorRate, 3),
        auth_failures: l.authFailuresByEndpoint[e.name] ?? 0,
        statuses: Object.entries(e.statuses)
          .filter(([s]) => !s.startsWith('2') && !s.startsWith('3'))
          .map(([s, n]) => `${s}×${n}`)
          .join(' '),
      }));
    const problems = [
      rateFails ? `${percent(rate, 3)} of requests failed` : '',
      checksFail ? `${percent(checkRate, 3)} of checks failed (${l.checks.fails} of ${checks})` : '',
      authFails ? `${auth} authentication failure(s) on users' own resources` : '',
    ].filter(Boolean);
    const ownRequests = l.endpoints
      .filter((e) => OWN_RESOURCE_ENDPOINTS.has(e.name))
      .reduce((sum, e) => sum + e.requests, 0);
    // What a pass rests on; absent, "nothing failed" would only mean "nothing was looked at".
    const missing = [
      checks === 0 ? 'no checks recorded (k6 `checks`): nothing judged whether the answers were right' : '',
      ownRequests === 0
        ? `no request to a user's own resource (${[...OWN_RESOURCE_ENDPOINTS].slice(0, 4).join(', ')}, …): authentication failures could not occur`
        : '',
      counterCounted(l, 'aclue_auth_failures')
        ? ''
        : 'the run did not declare the aclue_auth_failures counter (its k6-summary.json does not list it): authentication failures were not counted',
    ].filter(Boolean);
    if (problems.length === 0 && missing.length > 0)
      return insufficient(gate, threshold, `Not judged: ${missing.join('; ')}.${profileNote(l)}`, {
        figures: {
          requests: l.overall.requests,
          failed: l.overall.failed,
          'own-resource requests': ownRequests,
          checks,
        },
      });
    return {
      ...gate,
      status: problems.length ? 'fail' : 'pass',
      threshold,
      measured: `${percent(rate, 3)} failed (${l.overall.failed} of ${l.overall.requests}); ${percent(checkRate, 3)} checks failed; ${auth} auth failures`,
      evidence: {
        summary:
          (problems.length
            ? `Availability below target: ${problems.join('; ')}.`
            : `Failed requests ${percent(rate, 3)}, failed checks ${percent(checkRate, 3)} and ${auth} authentication failures: within target.`) +
          (missing.length > 0 ? ` Also not judged: ${missing.join('; ')}.` : '') +
          profileNote(l) +
          sourceNote(l),
        figures: {
          requests: l.overall.requests,
          failed: l.overall.failed,
          'failed rate': rate,
          'auth failures': auth,
          'own-resource requests': ownRequests,
          'check fails': l.checks.fails,
          'check fail rate': checkRate,
        },
        rows,
        links: ['#endpoints', '#charts'],
      },
    };
  },
} satisfies Gate<VerifyContext>;
