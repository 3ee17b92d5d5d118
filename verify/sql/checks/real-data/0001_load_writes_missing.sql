-- Writes the load says the API acknowledged ($1 jsonb: [{entity, id}] from k6's aclue_writes)
-- that are not in the database. Each id is parsed once into the type of the table's key (uuid),
-- and each row is then looked up by that typed key, so every write costs one index probe: a cast
-- on the table's side (t.id::text = ...) defeats the primary key and makes the check writes x rows
-- (hours for a full-length peak run). A mock's ids of its own making (session_<epoch>,
-- click_<hex>) are no uuid, so they are reported as missing, never a cast error.
-- Each probe is a scalar subquery on purpose: PostgreSQL runs it per write through the index,
-- where an EXISTS may be turned into a hashed subplan over a sequential scan of the whole table.
-- `found` is materialized so the probes run once per write, not once per reference to it.
-- Object `<entity> <id>`; metadata problem (write_missing; unknown_entity, level info: the kit
-- cannot look that entity up), entity, id.
with writes as (
  select distinct w->>'entity' as entity, w->>'id' as id from jsonb_array_elements($1::jsonb) as w
), parsed as (
  select w.entity, w.id,
         case when w.id ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' then w.id::uuid end as uid
  from writes w
), found as materialized (
  select p.entity, p.id, p.uid,
         case p.entity
           when 'swipe' then coalesce((select true from public.swipe_interactions t where t.id = p.uid limit 1), false)
           when 'swipe_session' then coalesce((select true from public.swipe_sessions t where t.id = p.uid limit 1), false)
           when 'gift_link' then coalesce((select true from public.gift_links t where t.id = p.uid limit 1), false)
                              or coalesce((select true from public.gift_links t where t.link_token = p.id limit 1), false)
           when 'affiliate_click' then coalesce((select true from public.affiliate_clicks t where t.id = p.uid limit 1), false)
           when 'recommendation_feedback' then coalesce((select true from public.recommendation_feedback t where t.id = p.uid limit 1), false)
           when 'product_view' then coalesce((select true from public.product_views t where t.id = p.uid limit 1), false)
           when 'conversion' then coalesce((select true from public.affiliate_clicks t where t.order_id = p.id and t.is_converted limit 1), false)
         end as present
  from parsed p
)
select 'load_writes_missing'::text as name, 'Write acknowledged by the API missing from the database'::text as title,
       case when present is null then 'info' else 'error' end as level,
       case when present is null then format('entity %s has no table mapping in verify/sql/checks/real-data', entity)
            when uid is null and entity not in ('gift_link', 'conversion')
              then format('%s %s acknowledged by the API is not a uuid, so it cannot be the id of a row in the database', entity, id)
            else format('%s %s acknowledged by the API but not in the database', entity, id) end as detail,
       case when present is null then 'Map the entity to its table in verify/sql/checks/real-data/0001_load_writes_missing.sql.'
            else 'Persist every write the endpoint acknowledges, and answer with the id of the stored row.' end as remediation,
       coalesce(entity, '(no entity)') || ' ' || coalesce(id, '(no id)') as object,
       jsonb_build_object('problem', case when present is null then 'unknown_entity' else 'write_missing' end,
                          'entity', entity, 'id', id) as metadata
from found
where present is not true
order by present is not null, entity, id;
