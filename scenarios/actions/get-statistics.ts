import { check } from 'k6';
import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';

/** The user's own analytics summary. */
export function getStatistics(caller: Caller): { ok: boolean } {
  const reply = send(appRequest(caller.target, routes.userStatistics, { token: caller.user.accessToken }));
  const ok = reply.status === 200 && typeof reply.json === 'object' && reply.json !== null;
  check(reply, { 'statistics answer with an object': () => ok }, { name: reply.name });
  return { ok };
}
