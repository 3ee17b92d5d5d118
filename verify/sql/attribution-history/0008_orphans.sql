-- Conversions whose click reference the app never issued ('orphan') credited to some click, and
-- converted planted clicks carrying an order the truth does not know.
select 'orphan'::text as failure_class, c.id::text as click_id, v.order_id,
       format('postback for unknown click ref %s credited to a click', v.click_ref) as detail
from kit_truth.conversions v
join public.affiliate_clicks c on c.order_id = v.order_id
where v.run_id = any ($1::text[]) and v.expected_class = 'orphan'
union all
select 'orphan', c.id::text, c.order_id, 'converted click with an order no planted conversion has'
from kit_truth.clicks t
join public.affiliate_clicks c on c.id = t.click_id and c.is_converted
where t.run_id = any ($1::text[])
  and not exists (select 1 from kit_truth.conversions v where v.run_id = t.run_id and v.order_id = c.order_id)
order by 2, 3;
