-- Conversions the load planted ($1 jsonb: the aclue_postbacks points, one object per postback with
-- kind, click_id, order_id, user_id, amount, commission) that the app did not store on their own
-- click exactly as sent: on no click, on another click, with another commission (a replay counted
-- again shows as a multiple: class duplicate), or without a conversion time. Orders are looked up
-- by their unique index.
-- Every postback check: object `order <id>`; metadata failure_class, kind (the plant's), click_id, order_id.
with plants as (
  select p->>'kind' as kind, lower(p->>'click_id') as click_id, p->>'order_id' as order_id, (p->>'commission')::numeric as commission
  from jsonb_array_elements($1::jsonb) as p
), planted as (
  select distinct click_id, order_id, commission from plants where kind = 'converted'
)
select 'conversions_not_on_their_click'::text as name, 'Conversion not stored on its click as sent'::text as title,
       'error'::text as level,
       case when c.id is null then 'planted conversion is on no click'
            when c.id::text <> pl.click_id then format('order on click %s, planted on click %s', c.id, pl.click_id)
            when c.actual_commission is distinct from pl.commission then format('actual_commission %s, planted %s', coalesce(c.actual_commission::text, 'null'), pl.commission)
            else 'conversion_timestamp missing' end as detail,
       'Store each conversion on the click its postback names, once, with the reported commission to the penny and a conversion time.'::text as remediation,
       coalesce('order ' || pl.order_id, 'click ' || pl.click_id, 'postback') as object,
       jsonb_build_object('failure_class',
                          case when c.id is null then 'missing'
                               when c.id::text <> pl.click_id then 'misattributed'
                               when c.actual_commission > pl.commission and exists (select 1 from plants d where d.kind = 'duplicate' and d.order_id = pl.order_id) then 'duplicate'
                               when c.actual_commission is distinct from pl.commission then 'commission'
                               else 'incomplete' end,
                          'kind', 'converted', 'click_id', pl.click_id, 'order_id', pl.order_id) as metadata
from planted pl
left join public.affiliate_clicks c on c.order_id = pl.order_id and c.is_converted
where c.id is null or c.id::text <> pl.click_id or c.actual_commission is distinct from pl.commission or c.conversion_timestamp is null
order by pl.order_id, c.id;
