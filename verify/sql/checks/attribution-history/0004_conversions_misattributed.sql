-- Planted conversions recorded on another click than their expected one, or on the right click
-- with a commission or timestamp that differs from the planted one.
select 'conversions_misattributed'::text as name, 'Planted conversion on the wrong click or with other figures'::text as title,
       'error'::text as level,
       case when c.id <> v.expected_click_id then format('order on click %s, expected click %s', c.id, v.expected_click_id)
            when c.actual_commission is distinct from v.commission then format('actual_commission %s, planted %s', coalesce(c.actual_commission::text, 'null'), v.commission)
            else 'conversion_timestamp missing' end as detail,
       'A later write changed the conversion: look for updates of order_id, actual_commission or conversion_timestamp.'::text as remediation,
       'click ' || c.id as object,
       jsonb_build_object('failure_class', 'misattributed', 'click_id', c.id, 'order_id', v.order_id) as metadata
from kit_truth.conversions v
join public.affiliate_clicks c on c.order_id = v.order_id and c.is_converted
where v.run_id = any ($1::text[])
  and v.expected_class in ('attributed', 'reversed')
  and (c.id <> v.expected_click_id or c.actual_commission is distinct from v.commission or c.conversion_timestamp is null)
order by v.order_id, c.id;
