-- Planted clicks of the judged seed runs ($1 text[] of run ids: every attribution-history file gets
-- only these) that are not in affiliate_clicks.
-- Every attribution-history check: object `click <id>` (or `order <id>` when no click is known);
-- metadata failure_class, click_id, order_id.
select 'seeded_clicks_missing'::text as name, 'Seeded click not recorded'::text as title, 'error'::text as level,
       format('planted click (run %s, user %s, product %s) not recorded', t.run_id, t.user_id, t.product_id) as detail,
       'Rows were lost after the seed: look for deletes, triggers or cascades on affiliate_clicks.'::text as remediation,
       'click ' || t.click_id as object,
       jsonb_build_object('failure_class', 'missing', 'click_id', t.click_id, 'order_id', null) as metadata
from kit_truth.clicks t
left join public.affiliate_clicks c on c.id = t.click_id
where t.run_id = any ($1::text[]) and c.id is null
order by t.click_id;
