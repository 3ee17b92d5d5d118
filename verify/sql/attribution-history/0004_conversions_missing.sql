-- Planted conversions the app should attribute (attributed, reversed) whose order is on no click.
select 'missing'::text as failure_class, v.expected_click_id::text as click_id, v.order_id,
       format('%s conversion (commission %s) not recorded on any click', v.expected_class, v.commission) as detail
from kit_truth.conversions v
where v.run_id = any ($1::text[])
  and v.expected_class in ('attributed', 'reversed')
  and not exists (select 1 from public.affiliate_clicks c where c.order_id = v.order_id and c.is_converted)
order by v.order_id;
