-- Replayed postbacks (kind duplicate: the exact body again) that left more than one trace: the
-- order on more than one click, or the replay also kept among the refused postbacks.
select 'duplicate'::text as failure_class, 'duplicate'::text as kind, r.click_id, r.order_id,
       concat_ws('; ',
         case when n.clicks <> 1 then format('order on %s clicks', n.clicks) end,
         case when k.kept > 0 then format('replay also kept %s times as refused (%s)', k.kept, k.reasons) end) as detail
from (select distinct lower(p->>'click_id') as click_id, p->>'order_id' as order_id
      from jsonb_array_elements($1::jsonb) as p where p->>'kind' = 'duplicate') r
cross join lateral (select count(*) as clicks from public.affiliate_clicks c where c.order_id = r.order_id) n
cross join lateral (select count(*) as kept, string_agg(o.reason, ', ' order by o.reason) as reasons
                    from app_private.affiliate_postback_orphans o where o.order_id = r.order_id) k
where n.clicks <> 1 or k.kept > 0
order by r.order_id;
