-- Category names and slugs, to map the app's name-keyed preferences onto the planted slugs.
-- Shape: slug, name.
select slug::text, name::text from public.categories order by slug;
