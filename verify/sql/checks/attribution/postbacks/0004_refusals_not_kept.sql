-- What the app keeps of the postbacks it refused: a late one as 'expired' and an unknown click as
-- 'unknown_click' in app_private.affiliate_postback_orphans (so the network's claim can be
-- answered); nothing at all from a forged signature.
select 'refusals_not_kept'::text as name, 'Refused postback kept otherwise than owed'::text as title, 'error'::text as level,
       case when r.kind = 'bad_signature' then format('forged postback kept as %s', k.reasons)
            else format('refused %s postback not kept as %s%s', r.kind, r.reason,
                        case when k.kept > 0 then format(' (kept as %s)', k.reasons) else '' end) end as detail,
       case when r.kind = 'bad_signature' then 'Keep nothing of a postback whose signature does not verify.'
            else 'Keep each refused postback in app_private.affiliate_postback_orphans with its reason, so the network''s claim can be answered.' end as remediation,
       coalesce('order ' || r.order_id, 'click ' || r.click_id, 'postback') as object,
       jsonb_build_object('failure_class', case when r.kind = 'bad_signature' then 'unsigned' else 'not_kept' end,
                          'kind', r.kind, 'click_id', r.click_id, 'order_id', r.order_id) as metadata
from (select distinct p->>'kind' as kind, lower(p->>'click_id') as click_id, p->>'order_id' as order_id,
             case p->>'kind' when 'late' then 'expired' when 'unknown_click' then 'unknown_click' end as reason
      from jsonb_array_elements($1::jsonb) as p where p->>'kind' in ('late', 'unknown_click', 'bad_signature')) r
cross join lateral (select count(*) as kept, count(*) filter (where o.reason = r.reason) as as_planned,
                           string_agg(o.reason, ', ' order by o.reason) as reasons
                    from app_private.affiliate_postback_orphans o where o.order_id = r.order_id) k
where (r.kind = 'bad_signature' and k.kept > 0) or (r.kind <> 'bad_signature' and k.as_planned = 0)
order by r.order_id;
