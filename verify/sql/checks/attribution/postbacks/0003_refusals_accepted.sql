-- Postbacks the app had to refuse whose order is on a click anyway: a late conversion attributed
-- (expired), a conversion for a click id the app never issued credited (orphan), a forged
-- signature taken (unsigned).
select 'refusals_accepted'::text as name, 'Postback that must be refused stored on a click'::text as title, 'error'::text as level,
       format('%s postback stored on click %s (converted: %s): must be refused', r.kind, c.id, c.is_converted) as detail,
       'Refuse postbacks after the attribution window (from the click''s own time), for click ids the app never issued and with a wrong signature.'::text as remediation,
       coalesce('order ' || r.order_id, 'click ' || r.click_id, 'postback') as object,
       jsonb_build_object('failure_class', case r.kind when 'late' then 'expired' when 'unknown_click' then 'orphan' else 'unsigned' end,
                          'kind', r.kind, 'click_id', r.click_id, 'order_id', r.order_id) as metadata
from (select distinct p->>'kind' as kind, lower(p->>'click_id') as click_id, p->>'order_id' as order_id
      from jsonb_array_elements($1::jsonb) as p where p->>'kind' in ('late', 'unknown_click', 'bad_signature')) r
join public.affiliate_clicks c on c.order_id = r.order_id
order by r.order_id, c.id;
