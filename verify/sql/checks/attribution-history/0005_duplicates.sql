-- Double credit: a planted order on more than one click row, or a planted double-tap click
-- (duplicate_of set) converted itself.
select 'duplicates'::text as name, 'Double credit'::text as title, 'error'::text as level,
       format('order recorded on %s clicks', count(distinct c.id)) as detail,
       'A postback converted another click for an order already on one: make conversions idempotent on the order id.'::text as remediation,
       'click ' || min(c.id::text) as object,
       jsonb_build_object('failure_class', 'duplicate', 'click_id', min(c.id::text), 'order_id', v.order_id) as metadata
from (select distinct order_id from kit_truth.conversions where run_id = any ($1::text[])) v
join public.affiliate_clicks c on c.order_id = v.order_id
group by v.order_id
having count(distinct c.id) > 1
union all
select 'duplicates', 'Double credit', 'error',
       format('double-tap of click %s converted itself', t.duplicate_of),
       'A postback converted another click for an order already on one: make conversions idempotent on the order id.',
       'click ' || t.click_id,
       jsonb_build_object('failure_class', 'duplicate', 'click_id', t.click_id, 'order_id', c.order_id)
from kit_truth.clicks t
join public.affiliate_clicks c on c.id = t.click_id
where t.run_id = any ($1::text[]) and t.duplicate_of is not null and c.is_converted
order by 6, 4;
