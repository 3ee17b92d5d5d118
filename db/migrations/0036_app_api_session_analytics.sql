-- Session analytics kept consistent with the raw events ("Analytics data consistent"): every swipe
-- and every product view the App API records in a session also counts in that session's
-- session_analytics row, in the same transaction, as one atomic upsert (no read-modify-write race,
-- the real service's defect). Clicks already count in record_affiliate_click.
--
-- SECURITY DEFINER because clients may insert but never update session_analytics; the function
-- only ever touches the caller's own row (auth.uid()), never another user's session of the same id.
CREATE FUNCTION app_private.count_session_event(p_session_id text, p_swipes integer, p_views integer) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  INSERT INTO public.session_analytics AS sa (session_id, user_id, landing_page, total_swipes, products_viewed)
  VALUES (p_session_id, (SELECT auth.uid()), '/swipe', p_swipes, p_views)
  ON CONFLICT (session_id) DO UPDATE
    SET total_swipes = sa.total_swipes + EXCLUDED.total_swipes,
        products_viewed = sa.products_viewed + EXCLUDED.products_viewed,
        last_activity_at = pg_catalog.now()
    WHERE sa.user_id IS NOT DISTINCT FROM EXCLUDED.user_id;
$$;

REVOKE EXECUTE ON FUNCTION app_private.count_session_event(text, integer, integer) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION app_private.count_session_event(text, integer, integer) TO authenticated, service_role;
