-- The judged runs' own users (auth account and public row) and clicks, row by row.
select 'seeded_rows_present'::text as name, 'Seeded rows missing'::text as title, 'error'::text as level,
       format('%s planted rows missing (first: %s)', count(*), min(id)) as detail,
       'The seed run failed part-way or rows were deleted since: clean the run (npm run seed -- --clean RUN_ID) and seed again.'::text as remediation,
       object, jsonb_build_object('expected', 0, 'actual', count(*)) as metadata
from (
  select 'auth.users' as object, u.user_id::text as id from kit_truth.users u
  where u.run_id = any ($1::text[]) and not exists (select 1 from auth.users a where a.id = u.user_id)
  union all
  select 'public.users', u.user_id::text from kit_truth.users u
  where u.run_id = any ($1::text[]) and not exists (select 1 from public.users p where p.id = u.user_id)
  union all
  select 'public.affiliate_clicks', t.click_id::text from kit_truth.clicks t
  where t.run_id = any ($1::text[]) and not exists (select 1 from public.affiliate_clicks c where c.id = t.click_id)
) as missing
group by object
order by 6;
