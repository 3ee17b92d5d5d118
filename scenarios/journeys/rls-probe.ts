/**
 * Row-level security under load: with one user's token, ask the Data API for another user's rows
 * and try to write in their name. Every answer must be "none"; any leak increments
 * aclue_rls_leaks, whose threshold aborts the run.
 */
import exec from 'k6/execution';
import { insertAsOtherUser, updateAsOtherUser } from '../actions/write-as-other-user.ts';
import { readOtherUserRows } from '../actions/read-other-user-rows.ts';
import { products, target, users } from '../lib/context.ts';
import { probe } from '../lib/endpoints.ts';
import { otherUserIndex, userIndex } from '../lib/mix.ts';

export function rlsProbe(): void {
  const iteration = exec.scenario.iterationInTest;
  const caller = { target, user: users[userIndex(iteration, users.length)]! };
  const victimId = users[otherUserIndex(iteration, users.length)]!.id;

  for (const table of probe.reads) readOtherUserRows(caller, victimId, table);
  insertAsOtherUser(caller, victimId, probe.insertInto, {
    product_id: products[iteration % products.length]!.id,
    swipe_direction: 'right',
  });
  // Setting user_id to its own value: if RLS fails, the probe proves it without changing the victim's data.
  updateAsOtherUser(caller, victimId, probe.updateIn, { user_id: victimId });
}
