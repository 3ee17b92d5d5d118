-- The app's stored preferences for the seeded users: user_preferences.category_preferences,
-- keyed by category name as the service writes it.
-- Shape: user_id, category_preferences (jsonb).
select p.user_id::text as user_id, p.category_preferences
from public.user_preferences p
where p.user_id in (select user_id from kit_truth.users where run_id = any ($1::text[]))
order by 1;
