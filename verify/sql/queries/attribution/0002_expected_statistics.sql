-- What the app's statistics (GET /affiliate/stats/?days=$2, public.get_affiliate_stats) must say
-- for each user whose clicks the load's postbacks named ($1 jsonb aclue_postbacks points): the
-- user's other clicks of the period as stored, plus the planted conversions as the truth has them
-- (a refused plant adds nothing). Clicks are found through the user index, plant clicks excluded
-- by their typed ids. Commission as text, compared exactly.
-- Shape: user_id, expected_conversions, expected_commission, planted_conversions.
with plants as (
  select p->>'kind' as kind, p->>'user_id' as user_id, p->>'order_id' as order_id, (p->>'commission')::numeric as commission,
         case when p->>'click_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (p->>'click_id')::uuid end as click_id
  from jsonb_array_elements($1::jsonb) as p
  where coalesce(p->>'user_id', '') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
), planted as (
  select user_id, count(*) as conversions, sum(commission) as commission
  from (select distinct user_id, order_id, commission from plants where kind = 'converted') x
  group by user_id
), plant_clicks as (
  select array_agg(distinct click_id) filter (where click_id is not null) as ids from plants
)
select u.user_id, (coalesce(pl.conversions, 0) + rest.conversions)::int as expected_conversions,
       (coalesce(pl.commission, 0) + rest.commission)::text as expected_commission,
       coalesce(pl.conversions, 0)::int as planted_conversions
from (select distinct user_id from plants) u
left join planted pl on pl.user_id = u.user_id
cross join plant_clicks pc
cross join lateral (
  select count(*) filter (where c.is_converted) as conversions, coalesce(sum(c.actual_commission), 0) as commission
  from public.affiliate_clicks c
  where c.user_id = u.user_id::uuid
    and c.click_timestamp >= now() - make_interval(days => $2::int)
    and c.id <> all (coalesce(pc.ids, '{}'))
) rest
order by u.user_id;
