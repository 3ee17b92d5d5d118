-- The category of each recommended product ($1 uuid[]: the ids the app returned that are uuids),
-- by the typed primary key. Shape: product_id, slug.
select p.id::text as product_id, c.slug::text as slug
from public.products p
join public.categories c on c.id = p.category_id
where p.id = any ($1::uuid[])
order by 1;
