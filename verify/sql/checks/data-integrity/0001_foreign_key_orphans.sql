-- Rows whose single-column foreign key points at no parent row, for every FK of the public
-- schema (constraints added NOT VALID, disabled triggers or a restore out of order leave these).
-- Each FK is counted with its own dynamic query (query_to_xml), one result row per FK with orphans.
-- Every data-integrity check gets $1 = judged run ids. Metadata (all of them): expected, actual.
select 'foreign_key_orphans'::text as name,
       'Rows whose foreign key points at no row'::text as title,
       'error'::text as level,
       format('%s rows reference a missing %s (constraint %s)', orphans, con.confrelid::regclass::text, con.conname) as detail,
       'Delete or repair the rows, then validate the constraint (ALTER TABLE … VALIDATE CONSTRAINT).'::text as remediation,
       format('%I.%I.%I', n.nspname, c.relname, a.attname) as object,
       jsonb_build_object('expected', 0, 'actual', orphans) as metadata
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1]
join pg_attribute pa on pa.attrelid = con.confrelid and pa.attnum = con.confkey[1]
cross join lateral (
  select (xpath('/row/n/text()', query_to_xml(format(
    'select count(*) as n from %s t where t.%I is not null and not exists (select 1 from %s p where p.%I = t.%I)',
    con.conrelid::regclass, a.attname, con.confrelid::regclass, pa.attname, a.attname), false, true, '')))[1]::text::bigint as orphans
) as o
where con.contype = 'f' and n.nspname = 'public' and cardinality(con.conkey) = 1
  and cardinality($1::text[]) >= 0
  and orphans > 0
order by 6;
