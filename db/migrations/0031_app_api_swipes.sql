-- App API part 2: swipe sessions and swipes, persisted (the project's sessions were mock and its
-- swipes failed, aclue-target Known defects 2-3). All SECURITY INVOKER: the caller's RLS applies,
-- so a session id of another user is simply not found.

-- Called by the real backend after each swipe but never defined by the project (§3).
CREATE FUNCTION public.increment_session_swipes(session_id_param uuid) RETURNS integer
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  update public.swipe_sessions s set total_swipes = coalesce(s.total_swipes, 0) + 1
  where s.id = session_id_param
  returning s.total_swipes
$$;

CREATE FUNCTION public.start_swipe_session(
  p_session_type text DEFAULT 'discovery',
  p_occasion text DEFAULT NULL,
  p_budget_min numeric DEFAULT NULL,
  p_budget_max numeric DEFAULT NULL,
  p_recipient_relationship text DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_session public.swipe_sessions;
BEGIN
  IF auth.uid() IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'swipe sessions need an authenticated user';
  END IF;
  PERFORM app_private.ensure_user();
  INSERT INTO public.swipe_sessions (user_id, session_type, occasion, budget_min, budget_max, recipient_relationship)
  VALUES (auth.uid(), coalesce(p_session_type, 'discovery'), p_occasion, p_budget_min, p_budget_max, p_recipient_relationship)
  RETURNING * INTO v_session;
  RETURN pg_catalog.jsonb_build_object(
    'id', v_session.id, 'session_id', v_session.id, 'user_id', v_session.user_id,
    'started_at', v_session.started_at, 'status', 'active', 'expected_swipes', 20,
    'session_type', v_session.session_type, 'occasion', v_session.occasion, 'total_swipes', 0);
END;
$$;

-- record_swipe: the API's like / dislike / super_like stored as right / left / up with preference
-- strength 0.8 / 0.2 / 0.95 (model/target.ts swipeDirections), the category taken from the
-- product, inside the given session (which must be the caller's) or a new one; the session's
-- total_swipes (and its session_analytics row, 0036) is incremented in the same transaction.
CREATE FUNCTION public.record_swipe(
  p_product_id uuid,
  p_direction text,
  p_session_id uuid DEFAULT NULL,
  p_time_spent_seconds integer DEFAULT NULL,
  p_context jsonb DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_uid uuid := auth.uid();
  v_stored text;
  v_strength numeric;
  v_category uuid;
  v_session uuid;
  v_id uuid;
  v_at timestamptz;
BEGIN
  IF v_uid IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'swipes need an authenticated user';
  END IF;
  SELECT d.stored, d.strength INTO v_stored, v_strength
  FROM (VALUES ('like', 'right', 0.8), ('dislike', 'left', 0.2), ('super_like', 'up', 0.95)) AS d (api, stored, strength)
  WHERE d.api = p_direction;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = pg_catalog.format('direction must be like, dislike or super_like, received %L', p_direction);
  END IF;
  SELECT p.category_id INTO v_category FROM public.products p WHERE p.id = p_product_id AND p.is_active;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = pg_catalog.format('product %s not found', p_product_id);
  END IF;
  PERFORM app_private.ensure_user();

  IF p_session_id IS NULL THEN
    INSERT INTO public.swipe_sessions (user_id, total_swipes) VALUES (v_uid, 1) RETURNING id INTO v_session;
  ELSE
    -- RLS (own rows only) makes another user's session invisible here: refused as not found.
    UPDATE public.swipe_sessions s SET total_swipes = coalesce(s.total_swipes, 0) + 1
    WHERE s.id = p_session_id
    RETURNING s.id INTO v_session;
    IF v_session IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = pg_catalog.format('swipe session %s not found', p_session_id);
    END IF;
  END IF;

  INSERT INTO public.swipe_interactions (session_id, user_id, product_id, category_id, swipe_direction,
                                         time_spent_seconds, interaction_context, preference_strength)
  VALUES (v_session, v_uid, p_product_id, v_category, v_stored, p_time_spent_seconds, coalesce(p_context, '{}'), v_strength)
  RETURNING id, swipe_timestamp INTO v_id, v_at;
  PERFORM app_private.count_session_event(v_session::text, 1, 0);

  RETURN pg_catalog.jsonb_build_object('id', v_id, 'product_id', p_product_id, 'direction', p_direction,
                                       'timestamp', v_at, 'session_id', v_session);
END;
$$;

REVOKE EXECUTE ON FUNCTION public.increment_session_swipes(uuid),
  public.start_swipe_session(text, text, numeric, numeric, text),
  public.record_swipe(uuid, text, uuid, integer, jsonb) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.increment_session_swipes(uuid),
  public.start_swipe_session(text, text, numeric, numeric, text),
  public.record_swipe(uuid, text, uuid, integer, jsonb) TO authenticated, service_role;
