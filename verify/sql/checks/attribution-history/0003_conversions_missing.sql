-- Planted conversions the app should attribute (attributed, reversed) whose order is on no click.
select 'conversions_missing'::text as name, 'Planted conversion on no click'::text as title, 'error'::text as level,
       format('%s conversion (commission %s) not recorded on any click', v.expected_class, v.commission) as detail,
       'A later write undid the conversion: look for updates of is_converted or order_id on affiliate_clicks.'::text as remediation,
       coalesce('click ' || v.expected_click_id, 'order ' || v.order_id) as object,
       jsonb_build_object('failure_class', 'missing', 'click_id', v.expected_click_id, 'order_id', v.order_id) as metadata
from kit_truth.conversions v
where v.run_id = any ($1::text[])
  and v.expected_class in ('attributed', 'reversed')
  and not exists (select 1 from public.affiliate_clicks c where c.order_id = v.order_id and c.is_converted)
order by v.order_id;
