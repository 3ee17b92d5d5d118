-- Conversions whose click reference the app never issued ('orphan') credited to some click, and
-- converted planted clicks carrying an order the truth does not know.
select 'orphans'::text as name, 'Conversion credited without a planted click'::text as title, 'error'::text as level,
       format('postback for unknown click ref %s credited to a click', v.click_ref) as detail,
       'A postback for a click the app never issued converted one: refuse unknown click references (the attribution gate names the postback).'::text as remediation,
       'click ' || c.id as object,
       jsonb_build_object('failure_class', 'orphan', 'click_id', c.id, 'order_id', v.order_id) as metadata
from kit_truth.conversions v
join public.affiliate_clicks c on c.order_id = v.order_id
where v.run_id = any ($1::text[]) and v.expected_class = 'orphan'
union all
select 'orphans', 'Conversion credited without a planted click', 'error', 'converted click with an order no planted conversion has',
       'A postback for a click the app never issued converted one: refuse unknown click references (the attribution gate names the postback).',
       'click ' || c.id, jsonb_build_object('failure_class', 'orphan', 'click_id', c.id, 'order_id', c.order_id)
from kit_truth.clicks t
join public.affiliate_clicks c on c.id = t.click_id and c.is_converted
where t.run_id = any ($1::text[])
  and not exists (select 1 from kit_truth.conversions v where v.run_id = t.run_id and v.order_id = c.order_id)
order by 6, 4;
