-- Planted vs recorded totals for the judged runs: conversions and commission on the planted
-- clicks (reversed conversions carry 0), revenue of attributable orders (amount, truth only:
-- the click row has no order value column).
-- Shape: planted_clicks, recorded_clicks, planted_conversions, recorded_conversions,
--        planted_commission, recorded_commission, planted_revenue.
select (select count(*) from kit_truth.clicks where run_id = any ($1::text[]))::int as planted_clicks,
       (select count(*) from kit_truth.clicks t join public.affiliate_clicks c on c.id = t.click_id
         where t.run_id = any ($1::text[]))::int as recorded_clicks,
       (select count(*) from kit_truth.conversions where run_id = any ($1::text[]) and expected_class in ('attributed', 'reversed'))::int as planted_conversions,
       (select count(*) from kit_truth.clicks t join public.affiliate_clicks c on c.id = t.click_id
         where t.run_id = any ($1::text[]) and c.is_converted)::int as recorded_conversions,
       (select coalesce(sum(commission), 0) from kit_truth.conversions where run_id = any ($1::text[]) and expected_class in ('attributed', 'reversed'))::float8 as planted_commission,
       (select coalesce(sum(c.actual_commission), 0) from kit_truth.clicks t join public.affiliate_clicks c on c.id = t.click_id
         where t.run_id = any ($1::text[]) and c.is_converted)::float8 as recorded_commission,
       (select coalesce(sum(amount), 0) from kit_truth.conversions where run_id = any ($1::text[]) and expected_class = 'attributed')::float8 as planted_revenue;
