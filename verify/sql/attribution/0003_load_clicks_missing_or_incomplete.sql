-- Clicks the load created ($2 text[] of click ids from k6's aclue_clicks_created): each must be
-- recorded once, with user, session and product. Every attribution file receives ($1 run ids,
-- $2 load click ids); $1 is typed here only so the statement can be prepared.
select case when c.id is null then 'missing' else 'incomplete' end as failure_class,
       k.click_id, c.order_id,
       case when c.id is null then 'click created by the load is not in affiliate_clicks'
            else concat_ws('; ',
                   case when c.user_id is null then 'no user' end,
                   case when c.product_id is null then 'no product' end,
                   case when coalesce(c.session_id, '') = '' then 'no session' end) end as detail
from (select distinct unnest($2::text[]) as click_id) k
left join public.affiliate_clicks c on c.id::text = lower(k.click_id)
where cardinality($1::text[]) >= 0
  and (c.id is null or c.user_id is null or c.product_id is null or coalesce(c.session_id, '') = '')
order by k.click_id;
