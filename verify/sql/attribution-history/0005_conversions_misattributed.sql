-- Planted conversions recorded on another click than their expected one, or on the right click
-- with a commission or timestamp that differs from the planted one.
select 'misattributed'::text as failure_class, c.id::text as click_id, v.order_id,
       case when c.id <> v.expected_click_id then format('order on click %s, expected click %s', c.id, v.expected_click_id)
            when c.actual_commission is distinct from v.commission then format('actual_commission %s, planted %s', coalesce(c.actual_commission::text, 'null'), v.commission)
            else 'conversion_timestamp missing' end as detail
from kit_truth.conversions v
join public.affiliate_clicks c on c.order_id = v.order_id and c.is_converted
where v.run_id = any ($1::text[])
  and v.expected_class in ('attributed', 'reversed')
  and (c.id <> v.expected_click_id or c.actual_commission is distinct from v.commission or c.conversion_timestamp is null)
order by v.order_id, c.id;
