-- The popularity-only list: the $2 active products most liked (right or up) by the judged runs'
-- users ($1 text[]), the same for everyone; ties by id. Shape: product_id, slug, likes.
select p.id::text as product_id, c.slug::text as slug, count(*)::int as likes
from public.swipe_interactions s
join public.products p on p.id = s.product_id and p.is_active
join public.categories c on c.id = p.category_id
where s.swipe_direction in ('right', 'up')
  and s.user_id in (select user_id from kit_truth.users where run_id = any ($1::text[]))
group by p.id, c.slug
order by likes desc, p.id
limit $2::int;
