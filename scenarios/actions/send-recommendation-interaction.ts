import { routes } from '../../model/target.ts';
import type { Caller } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** Tells the API what the user did with a recommendation (stored as recommendation feedback). */
export async function sendRecommendationInteraction(
  caller: Caller,
  recommendationId: string,
  interactionType: string,
): Promise<{ ok: boolean }> {
  const reply = await send(
    caller.rt,
    appRequest(caller.target, routes.recommendationInteraction, {
      token: caller.user.accessToken,
      body: { recommendation_id: recommendationId, interaction_type: interactionType },
    }),
  );
  const ok = reply.status === 200 || reply.status === 201;
  caller.rt.check({ 'recommendation interaction is accepted': ok }, { name: reply.name });
  const id = stringField(reply.json, 'id', 'feedback_id');
  if (id) caller.rt.add('aclue_writes', 1, { entity: 'recommendation_feedback', id });
  return { ok };
}
