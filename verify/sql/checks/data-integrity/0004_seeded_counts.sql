-- Rows the judged seed runs planned (kit_truth.runs.row_counts, keyed "schema.table") against
-- the rows in each table. Tables also hold other runs' and the load's rows, so only fewer rows
-- than planned is a failure; a run's own users and clicks are checked exactly in 0005.
with planned as (
  select case when position('.' in key) > 0 then key else 'public.' || key end as tbl, sum(value::bigint) as n
  from kit_truth.runs r, jsonb_each_text(r.row_counts)
  where r.run_id = any ($1::text[]) and value ~ '^[0-9]+$'
  group by 1
)
select 'seeded_counts'::text as name, 'Fewer rows than the seed planned'::text as title, 'error'::text as level,
       format('%s rows planned by the seed, %s in the table', p.n, a.n) as detail,
       'The seed run failed part-way or rows were deleted since: clean the run (npm run seed -- --clean RUN_ID) and seed again.'::text as remediation,
       p.tbl as object, jsonb_build_object('expected', p.n, 'actual', a.n) as metadata
from planned p
cross join lateral (
  select case when to_regclass(p.tbl) is null then -1
              else (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %s', to_regclass(p.tbl)), false, true, '')))[1]::text::bigint end as n
) as a
where a.n < p.n
order by 6;
