-- Users with the most swipes (of the judged seed runs when given, $1 text[]), with their three
-- most-liked categories by Laplace-smoothed like rate: the probes call the API as these users.
-- How many: at least $2 (int) or the share $3 (float8) of the users with swipes, whichever is more
-- (criteria.realData), so a canned or unpersonalised answer cannot hide behind a handful of users;
-- but at most $4 (int), so the probes' cost stops growing with the scale.
-- Shape: user_id, swipes, top_categories (uuid[] as text[]).
with eligible as (
  select s.user_id, count(*) as swipes
  from public.swipe_interactions s
  where s.user_id is not null
    and (cardinality($1::text[]) = 0 or s.user_id in (select user_id from kit_truth.users where run_id = any ($1::text[])))
  group by s.user_id
), candidates as (
  select e.user_id, e.swipes
  from eligible e
  order by e.swipes desc, e.user_id
  limit (select least($4::int, greatest($2::int, ceil($3::float8 * count(*))::int)) from eligible)
), rates as (
  select s.user_id, coalesce(s.category_id, p.category_id) as category_id,
         (count(*) filter (where s.swipe_direction in ('right', 'up')) + 1.0) / (count(*) + 2.0) as rate
  from public.swipe_interactions s
  left join public.products p on p.id = s.product_id
  where s.user_id in (select user_id from candidates)
  group by 1, 2
)
select c.user_id::text as user_id, c.swipes::int as swipes,
       array(select r.category_id::text from rates r where r.user_id = c.user_id and r.category_id is not null
             order by r.rate desc, r.category_id limit 3) as top_categories
from candidates c
order by c.swipes desc, c.user_id;
