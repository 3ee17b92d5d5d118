-- Double credit: a planted order on more than one click row, or a planted double-tap click
-- (duplicate_of set) converted itself.
select 'duplicate'::text as failure_class, min(c.id::text) as click_id, v.order_id,
       format('order recorded on %s clicks', count(distinct c.id)) as detail
from (select distinct order_id from kit_truth.conversions where run_id = any ($1::text[])) v
join public.affiliate_clicks c on c.order_id = v.order_id
group by v.order_id
having count(distinct c.id) > 1
union all
select 'duplicate', t.click_id::text, c.order_id,
       format('double-tap of click %s converted itself', t.duplicate_of)
from kit_truth.clicks t
join public.affiliate_clicks c on c.id = t.click_id
where t.run_id = any ($1::text[]) and t.duplicate_of is not null and c.is_converted
order by 2, 3;
