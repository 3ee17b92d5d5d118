import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** Starts a swipe session; returns its id (undefined when the API did not give one). */
export async function startSwipeSession(caller: Caller): Promise<{ sessionId: string | undefined }> {
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.swipeSessionStart, { token: caller.user.accessToken, body: {} }),
  );
  const sessionId = stringField(reply.json, 'session_id', 'id');
  caller.rt.check(
    { 'swipe session starts with an id': (reply.status === 200 || reply.status === 201) && sessionId !== undefined },
    { name: reply.name },
  );
  if (sessionId) caller.rt.add('aclue_writes', 1, { entity: 'swipe_session', id: sessionId });
  return { sessionId };
}
