-- App API part 4: recommendations from user_preferences (the project's route always returned [],
-- aclue-target §6 / Known defect 1) and the feedback that trains them.

-- get_recommendations: the caller's preferences (recalculated when missing or older than their
-- latest swipe), then the preference scorer of §6:
--   0.4 x category like rate (keyed by category name)
-- + 0.3 x brand (its brand score; 0.8 when only listed as liked)
-- + 0.2 x price fit (share of the product's price range inside the preferred range)
-- + 0.1 x (rating / 5) x min(1, reviews / 100)
-- over candidates from the user's liked categories (like rate > 0.3) plus the trending catalogue;
-- with no swipes at all, trending items at confidence 0.7 (the deployed fallback). The items shown
-- are written to `recommendations`, so feedback has a row to reference.
-- SECURITY DEFINER because recommendations and user_preferences are service-written; the caller
-- gets their own only (guard).
CREATE FUNCTION public.get_recommendations(
  p_limit integer DEFAULT 20,
  p_offset integer DEFAULT 0,
  p_min_price numeric DEFAULT NULL,
  p_max_price numeric DEFAULT NULL,
  p_user_id uuid DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user uuid := coalesce(p_user_id, auth.uid());
  v_prefs public.user_preferences;
  v_limit integer := least(greatest(coalesce(p_limit, 20), 1), 50);
  v_offset integer := greatest(coalesce(p_offset, 0), 0);
  v_result jsonb;
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'recommendations need an authenticated user';
  END IF;
  PERFORM app_private.require_caller_for(v_user);

  SELECT * INTO v_prefs FROM public.user_preferences up WHERE up.user_id = v_user;
  IF NOT FOUND OR EXISTS (
    SELECT 1 FROM public.swipe_interactions s
    WHERE s.user_id = v_user AND s.swipe_timestamp > v_prefs.last_calculated
  ) THEN
    v_prefs := public.calculate_user_preferences(v_user);
  END IF;

  -- recommendations.user_id references public.users.
  INSERT INTO public.users (id, email)
  SELECT u.id, coalesce(u.email, u.id::text || '@users.invalid') FROM auth.users u WHERE u.id = v_user
  ON CONFLICT DO NOTHING;

  WITH prefs AS (
    SELECT v_prefs.category_preferences AS cats,
           coalesce(v_prefs.brand_scores, '{}'::jsonb) AS brands,
           coalesce(v_prefs.liked_brands, '{}'::text[]) AS liked,
           coalesce((v_prefs.price_range ->> 'min')::numeric, 0) AS pmin,
           coalesce((v_prefs.price_range ->> 'max')::numeric, 1000) AS pmax,
           coalesce(v_prefs.total_swipes, 0) AS swipes
  ),
  liked_categories AS (
    SELECT c.id, c.name
    FROM prefs, pg_catalog.jsonb_each_text(prefs.cats) AS e (name, rate)
    JOIN public.categories c ON c.name = e.name
    WHERE e.rate::numeric > 0.3
    ORDER BY e.rate::numeric DESC
    LIMIT 3
  ),
  candidates AS (
    SELECT top.id FROM liked_categories lc
    CROSS JOIN LATERAL (
      SELECT p.id FROM public.products p
      WHERE p.category_id = lc.id AND p.is_active
      ORDER BY p.rating DESC NULLS LAST, p.review_count DESC NULLS LAST, p.id
      LIMIT 200
    ) top
    UNION
    SELECT trend.id FROM (
      SELECT p.id FROM public.products p WHERE p.is_active
      ORDER BY 0.7 * coalesce(p.rating, 0) + 0.3 * least(coalesce(p.review_count, 0) / 1000.0, 10) DESC, p.id
      LIMIT 200
    ) trend
  ),
  scored AS (
    SELECT p, c.name AS category_name,
      CASE WHEN prefs.swipes = 0 THEN 0.7
      ELSE
        0.4 * coalesce((prefs.cats ->> c.name)::numeric, 0)
      + 0.3 * coalesce((prefs.brands ->> p.brand)::numeric, CASE WHEN p.brand = ANY (prefs.liked) THEN 0.8 ELSE 0 END)
      + 0.2 * CASE
                WHEN coalesce(p.price_min, p.price_max) IS NULL THEN 0
                WHEN coalesce(p.price_max, p.price_min) <= coalesce(p.price_min, p.price_max) THEN
                  CASE WHEN coalesce(p.price_min, p.price_max) BETWEEN prefs.pmin AND prefs.pmax THEN 1 ELSE 0 END
                ELSE greatest(0, least(p.price_max, prefs.pmax) - greatest(p.price_min, prefs.pmin))
                     / (p.price_max - p.price_min)
              END
      + 0.1 * (coalesce(p.rating, 0) / 5.0) * least(1, coalesce(p.review_count, 0) / 100.0)
      END AS score,
      0.7 * coalesce(p.rating, 0) + 0.3 * least(coalesce(p.review_count, 0) / 1000.0, 10) AS trending,
      prefs.swipes = 0 AS is_trending_fallback,
      (prefs.cats ->> c.name) IS NOT NULL AND (prefs.cats ->> c.name)::numeric > 0.3 AS liked_category
    FROM candidates cand
    JOIN public.products p ON p.id = cand.id
    CROSS JOIN prefs
    LEFT JOIN public.categories c ON c.id = p.category_id
    WHERE (p_min_price IS NULL OR coalesce(p.price_max, p.price_min) >= p_min_price)
      AND (p_max_price IS NULL OR coalesce(p.price_min, p.price_max) <= p_max_price)
  ),
  page AS (
    SELECT s.*, row_number() OVER (ORDER BY s.score DESC, s.trending DESC, (s.p).id) + v_offset AS rank_position
    FROM scored s
    ORDER BY s.score DESC, s.trending DESC, (s.p).id
    LIMIT v_limit OFFSET v_offset
  ),
  written AS (
    INSERT INTO public.recommendations (user_id, product_id, confidence_score, algorithm_version, reasoning,
                                        rank_position, expires_at)
    SELECT v_user, (page.p).id, round(least(page.score, 1), 4), 'kit-pref-v1',
           CASE WHEN page.is_trending_fallback THEN 'trending: no swipe history yet'
                WHEN page.liked_category THEN pg_catalog.format('you like %s', page.category_name)
                ELSE 'popular with similar preferences' END,
           page.rank_position, pg_catalog.now() + interval '1 day'
    FROM page
    RETURNING id, product_id, confidence_score, reasoning, rank_position, created_at, expires_at
  )
  SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'id', w.id,
           'product_id', w.product_id,
           'product', app_private.product_json(page.p, page.category_name),
           'confidence_score', w.confidence_score,
           'reasoning', w.reasoning,
           'recommendation_type', CASE WHEN page.is_trending_fallback THEN 'trending' ELSE 'personalized' END,
           'rank_position', w.rank_position,
           'created_at', w.created_at,
           'expires_at', w.expires_at) ORDER BY w.rank_position), '[]'::jsonb)
  INTO v_result
  FROM written w JOIN page ON (page.p).id = w.product_id;

  RETURN v_result;
END;
$$;

-- record_recommendation_feedback: POST /recommendations/interactions. The recommendation must be
-- the caller's (RLS); the action's value and kind follow the feedback table's value sets.
CREATE FUNCTION public.record_recommendation_feedback(
  p_recommendation_id uuid,
  p_interaction_type text,
  p_rating integer DEFAULT NULL,
  p_session_id text DEFAULT NULL,
  p_source text DEFAULT 'web_app'
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_rec public.recommendations;
  v_value numeric;
  v_type text;
  v_id uuid;
  v_at timestamptz;
BEGIN
  IF auth.uid() IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'feedback needs an authenticated user';
  END IF;
  SELECT a.value, a.kind INTO v_value, v_type
  FROM (VALUES ('like', 0.5, 'explicit'), ('love', 1.0, 'explicit'), ('dislike', -0.5, 'explicit'),
               ('not_interested', -1.0, 'explicit'), ('report', -1.0, 'explicit'),
               ('click', 0.3, 'implicit'), ('view_details', 0.2, 'implicit'), ('purchase', 1.0, 'implicit'),
               ('share', 0.6, 'implicit'), ('save', 0.6, 'implicit'), ('ignore', -0.1, 'implicit'))
       AS a (action, value, kind)
  WHERE a.action = p_interaction_type;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = pg_catalog.format('interaction_type %L is not one of like, love, dislike, not_interested, report, click, view_details, purchase, share, save, ignore', p_interaction_type);
  END IF;
  SELECT * INTO v_rec FROM public.recommendations r WHERE r.id = p_recommendation_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = pg_catalog.format('recommendation %s not found', p_recommendation_id);
  END IF;

  INSERT INTO public.recommendation_feedback (
    recommendation_id, user_id, product_id, feedback_type, feedback_action, feedback_value, rating,
    feedback_source, session_id, position_in_list, model_version, original_confidence_score)
  VALUES (
    v_rec.id, auth.uid(), v_rec.product_id, v_type, p_interaction_type, v_value, p_rating,
    coalesce(p_source, 'web_app'), p_session_id, v_rec.rank_position, coalesce(v_rec.algorithm_version, 'unknown'),
    round(least(greatest(v_rec.confidence_score, 0), 1), 2))
  RETURNING id, created_at INTO v_id, v_at;

  RETURN pg_catalog.jsonb_build_object('id', v_id, 'recommendation_id', v_rec.id, 'product_id', v_rec.product_id,
                                       'interaction_type', p_interaction_type, 'feedback_value', v_value,
                                       'recorded', true, 'timestamp', v_at);
END;
$$;

REVOKE EXECUTE ON FUNCTION public.get_recommendations(integer, integer, numeric, numeric, uuid),
  public.record_recommendation_feedback(uuid, text, integer, text, text) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.get_recommendations(integer, integer, numeric, numeric, uuid),
  public.record_recommendation_feedback(uuid, text, integer, text, text) TO authenticated, service_role;
