import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';

/** The user's own analytics summary. */
export async function getStatistics(caller: Caller): Promise<{ ok: boolean }> {
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.userStatistics, { token: caller.user.accessToken }),
  );
  const ok = reply.status === 200 && typeof reply.json === 'object' && reply.json !== null;
  caller.rt.check({ 'statistics answer with an object': ok }, { name: reply.name });
  return { ok };
}
