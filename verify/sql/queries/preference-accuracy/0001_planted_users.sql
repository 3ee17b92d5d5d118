-- Seeded users of the judged runs ($1 text[]) with their planted archetype, tiers and the
-- number of swipes the seed planted for them (the history depth the app had to learn from).
-- Shape: user_id, archetype, planted_swipes, tiers (jsonb {category_slug: love|neutral|dislike}).
select u.user_id::text as user_id, u.archetype, u.swipe_count as planted_swipes, u.tiers
from kit_truth.users u
where u.run_id = any ($1::text[])
order by u.user_id;
