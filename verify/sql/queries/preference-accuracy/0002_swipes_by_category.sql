-- Swipes and likes (right or up, as the service counts them) per category of the given users
-- ($1 uuid[]), from the swipes in the database: the same evidence the app's preference calculation had.
-- Shape: user_id, slug, swipes, likes.
select s.user_id::text as user_id, c.slug, count(*)::int as swipes,
       (count(*) filter (where s.swipe_direction in ('right', 'up')))::int as likes
from public.swipe_interactions s
left join public.products p on p.id = s.product_id
join public.categories c on c.id = coalesce(s.category_id, p.category_id)
where s.user_id = any ($1::uuid[])
group by s.user_id, c.slug
order by 1, 2;
