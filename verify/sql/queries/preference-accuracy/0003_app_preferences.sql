-- The app's stored preferences of the given users ($1 uuid[]): user_preferences.category_preferences,
-- keyed by category name as the service writes it.
-- Shape: user_id, category_preferences (jsonb).
select p.user_id::text as user_id, p.category_preferences
from public.user_preferences p
where p.user_id = any ($1::uuid[])
order by 1;
