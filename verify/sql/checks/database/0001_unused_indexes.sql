-- Indexes never scanned since the statistics were reset, excluding primary keys and unique
-- indexes (they enforce constraints even when no query reads them). Run by the load command at the
-- end of its run (verify/db-snapshot.ts), right after the counters it reset before the run: an
-- index no query of the run used. Info: the database gate lists these, it does not judge them.
-- Metadata: table_name, index_name, size_bytes (what db-tables.json keeps).
select 'unused_indexes'::text as name,
       'Index not used during the run'::text as title,
       'info'::text as level,
       format('never scanned since the statistics were reset (%s)', pg_size_pretty(pg_relation_size(s.indexrelid))) as detail,
       'Drop it if no query of the application needs it: every write maintains it.'::text as remediation,
       format('%I.%I', s.schemaname, s.indexrelname) as object,
       jsonb_build_object('table_name', s.relname, 'index_name', s.indexrelname,
                          'size_bytes', pg_relation_size(s.indexrelid)) as metadata
from pg_stat_user_indexes as s
join pg_index as i on i.indexrelid = s.indexrelid
where s.schemaname = 'public'
  and s.idx_scan = 0
  and not i.indisprimary
  and not i.indisunique
order by s.relname, s.indexrelname;
