-- Indexes identical apart from their name (same table, columns, operator classes, collations,
-- expressions, predicate): pure write and storage cost. The one duplicate-index check: the
-- security gate runs it with its lints, the load command's statistics snapshot for the database
-- gate (verify/db-snapshot.ts), the fix-it migration (verify/fixes/kinds/60-duplicate-indexes.ts)
-- and test/db/rls-lint.test.ts run this file too.
-- Schemas: kit.lint_schemas (comma-separated; unset: public), so the schema test can lint the
-- kit's own auth schema as well.
-- Metadata: indexes (text[], by name); keep_order (the same, schema-qualified, the one to keep
-- first: a constraint's, then a unique one, then the oldest); constraints (how many back one).
select 'duplicate_indexes'::text as name,
       'Duplicate indexes'::text as title,
       'warn'::text as level,
       'identical indexes: ' || string_agg(i.indexrelid::regclass::text, ', ' order by i.indexrelid::regclass::text) as detail,
       'Drop all but one of the identical indexes, keeping the one a constraint uses.'::text as remediation,
       format('%I.%I', n.nspname, c.relname) as object,
       jsonb_build_object(
         'indexes', array_agg(i.indexrelid::regclass::text order by i.indexrelid::regclass::text),
         'keep_order', array_agg(format('%I.%I', n.nspname, ic.relname)
                                 order by (exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)) desc,
                                          i.indisunique desc, i.indexrelid),
         'constraints', count(*) filter (where exists (select 1 from pg_constraint k where k.conindid = i.indexrelid))
       ) as metadata
from pg_index i
join pg_class c on c.oid = i.indrelid
join pg_class ic on ic.oid = i.indexrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any (string_to_array(replace(coalesce(nullif(current_setting('kit.lint_schemas', true), ''), 'public'), ' ', ''), ','))
group by n.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
         coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
having count(*) > 1
order by 6, 4;
