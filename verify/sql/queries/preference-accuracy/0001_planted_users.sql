-- Seeded users of the judged runs ($1 text[]) with their planted archetype, tiers and the number of
-- swipes the seed planted for them (the history depth the app had to learn from), split into
-- measured (>= $2 swipes) and cold-start users. Each group is a keyed sample of at most $3 users:
-- the first by md5 of the user id, so the same run gives the same sample, whoever asks and when,
-- and the gates' cost stops growing with the scale once a group is larger than the sample.
-- Shape: user_id, archetype, planted_swipes, tiers (jsonb {category_slug: love|neutral|dislike}),
-- measured (bool), population (users in the group before sampling).
with grouped as (
  select u.user_id, u.archetype, u.swipe_count, u.tiers, u.swipe_count >= $2::int as measured,
         row_number() over (partition by u.swipe_count >= $2::int order by md5(u.user_id::text), u.user_id) as pick,
         count(*) over (partition by u.swipe_count >= $2::int) as population
  from kit_truth.users u
  where u.run_id = any ($1::text[])
)
select g.user_id::text as user_id, g.archetype, g.swipe_count as planted_swipes, g.tiers, g.measured,
       g.population::int as population
from grouped g
where g.pick <= $3::int
order by g.user_id;
