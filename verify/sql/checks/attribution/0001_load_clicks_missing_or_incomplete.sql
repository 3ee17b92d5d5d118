-- Clicks the load created ($2 text[] of click ids from k6's aclue_clicks_created): each must be
-- recorded once, with user, session and product. Every attribution file receives ($1 run ids,
-- $2 load click ids); $1 is typed here only so the statement can be prepared.
-- Each id is parsed once into a uuid (an id that is none cannot be recorded: it is missing) and
-- looked up by the typed primary key, one index probe per click; a cast on the table's side
-- (c.id::text = ...) would scan the table once per click. `offset 0` keeps the lookup a lateral
-- probe, so the planner cannot turn it into a hash join over a sequential scan of the table.
-- Object `click <id>`; metadata failure_class (missing, incomplete), kind (click), click_id, order_id.
with k as (
  select distinct click_id,
         case when click_id ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' then click_id::uuid end as uid
  from unnest($2::text[]) as click_id
)
select 'load_clicks_missing_or_incomplete'::text as name, 'Click made by the load missing or incomplete'::text as title,
       'error'::text as level,
       case when c.id is null and k.uid is null then 'click id returned by the API is not a uuid: no affiliate_clicks row can have it'
            when c.id is null then 'click created by the load is not in affiliate_clicks'
            else concat_ws('; ',
                   case when c.user_id is null then 'no user' end,
                   case when c.product_id is null then 'no product' end,
                   case when coalesce(c.session_id, '') = '' then 'no session' end) end as detail,
       'Store every click the API acknowledges, with its user, session and product, under the id the API returned.'::text as remediation,
       'click ' || k.click_id as object,
       jsonb_build_object('failure_class', case when c.id is null then 'missing' else 'incomplete' end,
                          'kind', 'click', 'click_id', k.click_id, 'order_id', c.order_id) as metadata
from k
left join lateral (
  select a.id, a.order_id, a.user_id, a.product_id, a.session_id from public.affiliate_clicks a where a.id = k.uid offset 0
) c on true
where cardinality($1::text[]) >= 0
  and (c.id is null or c.user_id is null or c.product_id is null or coalesce(c.session_id, '') = '')
order by k.click_id;
