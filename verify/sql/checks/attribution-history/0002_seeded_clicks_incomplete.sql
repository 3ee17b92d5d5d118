-- Planted clicks recorded without (or with the wrong) user, session or product, or whose
-- affiliate URL does not carry the click id (the network could never report it back). A planted
-- double tap (duplicate_of set) may carry the id of the click it repeats: same link, same subid.
select 'seeded_clicks_incomplete'::text as name, 'Seeded click recorded otherwise than planted'::text as title,
       'error'::text as level,
       concat_ws('; ',
         case when c.user_id is distinct from t.user_id then format('user %s, planted %s', coalesce(c.user_id::text, 'null'), t.user_id) end,
         case when c.product_id is distinct from t.product_id then format('product %s, planted %s', coalesce(c.product_id::text, 'null'), t.product_id) end,
         case when lower(coalesce(c.session_id, '')) <> lower(t.session_id::text) then format('session %s, planted %s', coalesce(nullif(c.session_id, ''), 'null'), t.session_id) end,
         case when position(lower(t.click_id::text) in lower(coalesce(c.affiliate_url, ''))) = 0
                    and position(lower(coalesce(t.duplicate_of::text, '-')) in lower(coalesce(c.affiliate_url, ''))) = 0 then 'affiliate_url does not carry the click id' end
       ) as detail,
       'A later write changed the click: look for triggers or updates on affiliate_clicks.'::text as remediation,
       'click ' || t.click_id as object,
       jsonb_build_object('failure_class', 'incomplete', 'click_id', t.click_id, 'order_id', c.order_id) as metadata
from kit_truth.clicks t
join public.affiliate_clicks c on c.id = t.click_id
where t.run_id = any ($1::text[])
  and (c.user_id is distinct from t.user_id
       or c.product_id is distinct from t.product_id
       or lower(coalesce(c.session_id, '')) <> lower(t.session_id::text)
       or (position(lower(t.click_id::text) in lower(coalesce(c.affiliate_url, ''))) = 0
           and position(lower(coalesce(t.duplicate_of::text, '-')) in lower(coalesce(c.affiliate_url, ''))) = 0))
order by t.click_id;
