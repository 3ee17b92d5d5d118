-- Conversions planted after the attribution window ('late') that were attributed anyway.
select 'expired'::text as failure_class, c.id::text as click_id, v.order_id,
       format('converted %s after the click at %s: outside the window, must not be attributed', v.converted_at, c.click_timestamp) as detail
from kit_truth.conversions v
join public.affiliate_clicks c on c.order_id = v.order_id and c.is_converted
where v.run_id = any ($1::text[]) and v.expected_class = 'late'
order by v.order_id;
