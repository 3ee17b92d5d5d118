-- A swipe must belong to its session's user, and carry its product's category.
select 'swipe_consistency'::text as name, 'Swipes that disagree with their session or product'::text as title,
       'error'::text as level,
       format('%s swipes whose %s (first: %s)', count(*), kind, min(id::text)) as detail,
       'Repair the swipes from their session and product, and write user and category from them on insert.'::text as remediation,
       'public.swipe_interactions'::text as object,
       jsonb_build_object('expected', 0, 'actual', count(*)) as metadata
from (
  select s.id, 'user differs from the session''s user' as kind
  from public.swipe_interactions s join public.swipe_sessions ss on ss.id = s.session_id
  where s.user_id is distinct from ss.user_id
  union all
  select s.id, 'category differs from the product''s category'
  from public.swipe_interactions s join public.products p on p.id = s.product_id
  where s.category_id is not null and p.category_id is not null and s.category_id <> p.category_id
) as bad
where cardinality($1::text[]) >= 0
group by kind
order by 4;
