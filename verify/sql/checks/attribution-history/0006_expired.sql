-- Conversions planted after the attribution window ('late') that were attributed anyway.
select 'expired'::text as name, 'Conversion after the window attributed'::text as title, 'error'::text as level,
       format('converted %s after the click at %s: outside the window, must not be attributed', v.converted_at, c.click_timestamp) as detail,
       'A postback the app should have refused converted the click: enforce the window from the click''s own time (the attribution gate names the postback).'::text as remediation,
       'click ' || c.id as object,
       jsonb_build_object('failure_class', 'expired', 'click_id', c.id, 'order_id', v.order_id) as metadata
from kit_truth.conversions v
join public.affiliate_clicks c on c.order_id = v.order_id and c.is_converted
where v.run_id = any ($1::text[]) and v.expected_class = 'late'
order by v.order_id;
