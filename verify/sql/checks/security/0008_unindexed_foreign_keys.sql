-- Foreign keys without an index whose leading columns are the key's columns: every delete of
-- a parent row and every join from the parent scans the child table (RLS policies on user_id
-- make this a per-request cost).
select 'unindexed_foreign_keys'::text as name,
       'Foreign key without an index'::text as title,
       'info'::text as level,
       format('no index leads with (%s)',
              array_to_string(array(select a.attname from unnest(con.conkey) with ordinality k(attnum, ord)
                                    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
                                    order by k.ord), ', ')) as detail,
       'Create an index leading with the foreign key''s columns.'::text as remediation,
       format('%I.%I.%I', n.nspname, (select relname from pg_class where oid = con.conrelid), con.conname) as object
from pg_constraint con
join pg_namespace n on n.oid = con.connamespace
where con.contype = 'f'
  and n.nspname = 'public'
  and not exists (
    select 1 from pg_index i
    where i.indrelid = con.conrelid
      and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)] @> con.conkey
      and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(con.conkey)] <@ con.conkey)
order by 6;
