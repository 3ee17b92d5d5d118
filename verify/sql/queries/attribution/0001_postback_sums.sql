-- The load's planted conversions ($1 jsonb aclue_postbacks points, kind converted) against what the
-- app stored for their orders: counts, commission and (from the plants only: the click row has no
-- order-value column) revenue.
-- Shape: planted_conversions, recorded_conversions, planted_commission, recorded_commission, planted_revenue.
with planted as (
  select distinct p->>'order_id' as order_id, (p->>'commission')::numeric as commission, (p->>'amount')::numeric as amount
  from jsonb_array_elements($1::jsonb) as p where p->>'kind' = 'converted'
)
select (select count(*) from planted)::int as planted_conversions,
       (select count(*) from planted pl join public.affiliate_clicks c on c.order_id = pl.order_id and c.is_converted)::int as recorded_conversions,
       (select coalesce(sum(commission), 0) from planted)::text as planted_commission,
       (select coalesce(sum(c.actual_commission), 0) from planted pl join public.affiliate_clicks c on c.order_id = pl.order_id and c.is_converted)::text as recorded_commission,
       (select coalesce(sum(amount), 0) from planted)::text as planted_revenue;
