-- Writes the load says the API acknowledged ($1 jsonb: [{entity, id}] from k6's aclue_writes)
-- that are not in the database. Ids are compared as text: a mock that answers with ids of its
-- own making (session_<epoch>, click_<hex>) is then simply not found.
-- Shape: check_name, entity, id, detail.
with writes as (
  select distinct w->>'entity' as entity, w->>'id' as id from jsonb_array_elements($1::jsonb) as w
), found as (
  select w.entity, w.id,
         case w.entity
           when 'swipe' then exists (select 1 from public.swipe_interactions t where t.id::text = lower(w.id))
           when 'swipe_session' then exists (select 1 from public.swipe_sessions t where t.id::text = lower(w.id))
           when 'gift_link' then exists (select 1 from public.gift_links t where t.id::text = lower(w.id) or t.link_token = w.id)
           when 'affiliate_click' then exists (select 1 from public.affiliate_clicks t where t.id::text = lower(w.id))
           when 'recommendation_feedback' then exists (select 1 from public.recommendation_feedback t where t.id::text = lower(w.id))
           when 'product_view' then exists (select 1 from public.product_views t where t.id::text = lower(w.id))
           when 'conversion' then exists (select 1 from public.affiliate_clicks t where t.order_id = w.id and t.is_converted)
         end as present
  from writes w
)
select case when present is null then 'unknown_entity' else 'write_missing' end as check_name, entity, id,
       case when present is null then format('entity %s has no table mapping in verify/sql/real-data', entity)
            else format('%s %s acknowledged by the API but not in the database', entity, id) end as detail
from found
where present is not true
order by 1, 2, 3;
