-- Planted clicks of the judged seed runs ($1 text[] of run ids: every attribution-history file gets
-- only these) that are not in affiliate_clicks.
-- Shape (all attribution failure files): failure_class, click_id, order_id, detail.
select 'missing'::text as failure_class, t.click_id::text as click_id, null::text as order_id,
       format('planted click (run %s, user %s, product %s) not recorded', t.run_id, t.user_id, t.product_id) as detail
from kit_truth.clicks t
left join public.affiliate_clicks c on c.id = t.click_id
where t.run_id = any ($1::text[]) and c.id is null
order by t.click_id;
