import type { TableName } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { restRequest } from '../lib/requests.ts';
import { leakedReadRows } from '../lib/responses.ts';

/**
 * Asks the Data API, with the caller's own token, for another user's rows. RLS must answer with
 * none; every row that comes back is a leak.
 */
export async function readOtherUserRows(
  caller: Caller,
  victimId: string,
  table: TableName,
): Promise<{ leaked: number }> {
  const reply = await send(
    caller.rt,
    restRequest(caller.target, table, {
      token: caller.user.accessToken,
      query: `select=*&user_id=eq.${encodeURIComponent(victimId)}&limit=5`,
      expected: [200, 206, 401, 403],
    }),
  );
  const leaked = leakedReadRows(reply.status, reply.json);
  if (leaked > 0) caller.rt.add('aclue_rls_leaks', leaked, { name: reply.name, operation: 'select' });
  caller.rt.check({ "another user's rows stay hidden": leaked === 0 && reply.status !== 0 }, { name: reply.name });
  return { leaked };
}
