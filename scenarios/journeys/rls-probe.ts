/**
 * Row-level security under load: with one user's token, ask the Data API for another user's rows
 * and try to write in their name. Every answer must be "none"; any leak increments
 * aclue_rls_leaks, whose threshold aborts the run.
 */

import { readOtherUserRows } from '../actions/read-other-user-rows.ts';
import { insertAsOtherUser, updateAsOtherUser } from '../actions/write-as-other-user.ts';
import { probe } from '../lib/endpoints.ts';
import { otherUserIndex, userIndex } from '../lib/mix.ts';
import type { Iteration } from '../lib/runtime.ts';

export async function rlsProbe({ rt, world, number }: Iteration): Promise<void> {
  const { users, products } = world;
  const caller = { rt, target: world.target, user: users[userIndex(number, users.length)]! };
  const victimId = users[otherUserIndex(number, users.length)]!.id;

  for (const table of probe.reads) await readOtherUserRows(caller, victimId, table);
  await insertAsOtherUser(caller, victimId, probe.insertInto, {
    product_id: products[number % products.length]!.id,
    swipe_direction: 'right',
  });
  // Setting user_id to its own value: if RLS fails, the probe proves it without changing the victim's data.
  await updateAsOtherUser(caller, victimId, probe.updateIn, { user_id: victimId });
}
