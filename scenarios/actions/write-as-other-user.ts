import type { TableName } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { restRequest } from '../lib/requests.ts';
import { writeLeaked } from '../lib/responses.ts';

/**
 * Tries to insert a row in another user's name with the caller's token. RLS must refuse (403 from
 * PostgREST; 401 if the token is not accepted at all).
 */
export async function insertAsOtherUser(
  caller: Caller,
  victimId: string,
  table: TableName,
  row: Record<string, unknown>,
): Promise<{ leaked: boolean }> {
  const reply = await send(
    caller.rt,
    restRequest(caller.target, table, {
      method: 'POST',
      token: caller.user.accessToken,
      body: { ...row, user_id: victimId },
      prefer: 'return=minimal',
      expected: [401, 403],
    }),
  );
  const leaked = writeLeaked('insert', reply.status, reply.json);
  if (leaked) caller.rt.add('aclue_rls_leaks', 1, { name: reply.name, operation: 'insert' });
  caller.rt.check({ "insert in another user's name is refused": !leaked && reply.status !== 0 }, { name: reply.name });
  return { leaked };
}

/** Tries to update another user's rows; RLS must match none (200 with an empty representation). */
export async function updateAsOtherUser(
  caller: Caller,
  victimId: string,
  table: TableName,
  patch: Record<string, unknown>,
): Promise<{ leaked: boolean }> {
  const reply = await send(
    caller.rt,
    restRequest(caller.target, table, {
      method: 'PATCH',
      token: caller.user.accessToken,
      query: `user_id=eq.${encodeURIComponent(victimId)}`,
      body: patch,
      prefer: 'return=representation',
      expected: [200, 204, 401, 403, 404],
    }),
  );
  const leaked = writeLeaked('update', reply.status, reply.json);
  if (leaked) caller.rt.add('aclue_rls_leaks', 1, { name: reply.name, operation: 'update' });
  caller.rt.check(
    { "update of another user's rows changes nothing": !leaked && reply.status !== 0 },
    { name: reply.name },
  );
  return { leaked };
}
