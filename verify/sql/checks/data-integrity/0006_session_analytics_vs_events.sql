-- Session analytics counters against the raw events of the same session: swipes (when the
-- session is a swipe session), product views and affiliate clicks. products_viewed may count
-- views or distinct products; either matches.
with sessions as (
  -- swipe_interactions.session_id is a uuid; compare as uuid so its index can be used.
  select sa.*, case when sa.session_id ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then sa.session_id::uuid end as swipe_session
  from public.session_analytics sa
  where cardinality($1::text[]) >= 0
), raw as (
  select sa.session_id, sa.total_swipes, sa.products_viewed, sa.affiliate_clicks,
         (select count(*) from public.swipe_interactions s where s.session_id = sa.swipe_session) as swipes,
         exists (select 1 from public.swipe_sessions ss where ss.id = sa.swipe_session) as is_swipe_session,
         (select count(*) from public.product_views v where v.session_id = sa.session_id) as views,
         (select count(distinct v.product_id) from public.product_views v where v.session_id = sa.session_id) as viewed_products,
         (select count(*) from public.affiliate_clicks c where c.session_id = sa.session_id) as clicks
  from sessions sa
)
select 'session_analytics_vs_events'::text as name, 'Session counters that disagree with the events'::text as title,
       'error'::text as level, detail,
       'Update the counters in the same transaction as the event (or derive them), never read-modify-write from the app.'::text as remediation,
       'public.session_analytics ' || session_id as object,
       jsonb_build_object('expected', expected, 'actual', actual) as metadata
from (
  select session_id, swipes as expected, total_swipes::bigint as actual, format('total_swipes %s, %s swipes recorded', total_swipes, swipes) as detail
  from raw where is_swipe_session and total_swipes is distinct from swipes
  union all
  select session_id, views, products_viewed, format('products_viewed %s, %s views of %s products recorded', products_viewed, views, viewed_products)
  from raw where products_viewed is distinct from views and products_viewed is distinct from viewed_products
  union all
  select session_id, clicks, affiliate_clicks, format('affiliate_clicks %s, %s clicks recorded', affiliate_clicks, clicks)
  from raw where affiliate_clicks is distinct from clicks
) as m
order by 6, 4;
