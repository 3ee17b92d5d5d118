/**
 * Everything the seed makes for one user: the truth row, the `users` and `profiles` rows, the
 * simulated history (seed/simulate.ts) and the Auth account to create. Shared by the COPY writer
 * and the Data API writer so both produce the same rows.
 */
import { behaviour } from '../model/behaviour.ts';
import type { AuthAccount } from './auth.ts';
import { type Sink, simulateUser } from './simulate.ts';
import type { SubscriptionTier } from './tables.ts';
import type { World } from './world.ts';

const PREMIUM_EVERY = behaviour.premiumEveryNthUser.value;
const MARKETING_EVERY = behaviour.marketingConsentEveryNthUser.value;

export function userRows(world: World, runId: string, index: number, sink: Sink): AuthAccount {
  const user = world.user(index);
  const text = world.userText(user);
  const summary = simulateUser(world, user, runId, sink);
  sink.truth('users', {
    run_id: runId,
    user_id: user.id,
    user_index: index,
    email: user.email,
    archetype: user.archetype.id,
    tiers: world.tiersJson(user),
    liberal_factor: Math.round(user.liberal * 1000),
    swipe_count: summary.swipes,
    like_count: summary.likes,
  });
  const fullName = `${text.firstName} ${text.lastName}`;
  const marketing = index % MARKETING_EVERY === 0;
  const tier: SubscriptionTier = index % PREMIUM_EVERY === 0 ? 'premium' : 'free';
  // full_name written directly: the name trigger does not fire when FK triggers are off (replica mode).
  sink.row('users', {
    id: user.id,
    email: user.email,
    username: user.email.split('@')[0]!.slice(0, 50),
    full_name: fullName,
    first_name: text.firstName,
    last_name: text.lastName,
    location_country: text.country,
    location_city: text.city,
    subscription_tier: tier,
    created_at: user.signupMs,
    updated_at: user.signupMs,
    last_login_at: null,
    is_active: true,
    email_verified: true,
    gdpr_consent: true,
    gdpr_consent_date: user.signupMs,
  });
  sink.row('profiles', {
    id: user.id,
    email: user.email,
    first_name: text.firstName,
    last_name: text.lastName,
    subscription_tier: tier,
    gdpr_consent: true,
    marketing_consent: marketing,
    email_verified: true,
    created_at: user.signupMs,
    updated_at: user.signupMs,
  });
  return {
    id: user.id,
    email: user.email,
    createdAt: user.signupMs,
    metadata: {
      first_name: text.firstName,
      last_name: text.lastName,
      full_name: fullName,
      marketing_consent: marketing,
    },
  };
}
