-- Replayed postbacks (kind duplicate: the exact body again) that left more than one trace: the
-- order on more than one click, or the replay also kept among the refused postbacks.
select 'replays_counted_twice'::text as name, 'Replayed postback counted again'::text as title, 'error'::text as level,
       concat_ws('; ',
         case when n.clicks <> 1 then format('order on %s clicks', n.clicks) end,
         case when k.kept > 0 then format('replay also kept %s times as refused (%s)', k.kept, k.reasons) end) as detail,
       'Make the postback idempotent on the order id: a replay answers "duplicate" and changes nothing.'::text as remediation,
       coalesce('order ' || r.order_id, 'click ' || r.click_id, 'postback') as object,
       jsonb_build_object('failure_class', 'duplicate', 'kind', 'duplicate', 'click_id', r.click_id, 'order_id', r.order_id) as metadata
from (select distinct lower(p->>'click_id') as click_id, p->>'order_id' as order_id
      from jsonb_array_elements($1::jsonb) as p where p->>'kind' = 'duplicate') r
cross join lateral (select count(*) as clicks from public.affiliate_clicks c where c.order_id = r.order_id) n
cross join lateral (select count(*) as kept, string_agg(o.reason, ', ' order by o.reason) as reasons
                    from app_private.affiliate_postback_orphans o where o.order_id = r.order_id) k
where n.clicks <> 1 or k.kept > 0
order by r.order_id;
