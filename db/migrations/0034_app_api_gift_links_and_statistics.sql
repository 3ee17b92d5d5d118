-- App API part 5: persisted gift links (the project's were mock) and the analytics summary
-- (get_user_analytics_summary, aclue-target §5) behind /users/me/statistics.

-- The project's gift-link request carries product_ids but its table has no column for them; the
-- kit keeps them on the link (nullable, so rows written without them stay valid).
ALTER TABLE public.gift_links ADD COLUMN IF NOT EXISTS product_ids uuid[] DEFAULT '{}';

CREATE FUNCTION public.create_gift_link(
  p_token text,
  p_title text,
  p_message text DEFAULT NULL,
  p_product_ids uuid[] DEFAULT '{}',
  p_expires_at timestamptz DEFAULT NULL,
  p_recipient_name text DEFAULT NULL,
  p_occasion text DEFAULT NULL,
  p_is_public boolean DEFAULT true
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_link public.gift_links;
BEGIN
  IF auth.uid() IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'gift links need an authenticated user';
  END IF;
  PERFORM app_private.ensure_user();
  INSERT INTO public.gift_links (user_id, link_token, title, message, recipient_name, occasion, expires_at,
                                 is_active, product_ids)
  VALUES (auth.uid(), p_token, p_title, p_message, p_recipient_name, p_occasion, p_expires_at,
          coalesce(p_is_public, true), coalesce(p_product_ids, '{}'))
  RETURNING * INTO v_link;
  RETURN app_private.gift_link_json(v_link);
END;
$$;

CREATE FUNCTION app_private.gift_link_json(l public.gift_links) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  select pg_catalog.jsonb_build_object(
    'id', l.id, 'link_token', l.link_token, 'title', l.title, 'description', l.message,
    'recipient_name', l.recipient_name, 'occasion', l.occasion, 'product_ids', to_jsonb(coalesce(l.product_ids, '{}')),
    'expires_at', l.expires_at, 'is_public', l.is_active, 'is_active', l.is_active,
    'view_count', l.view_count, 'share_count', l.share_count, 'created_at', l.created_at)
$$;
GRANT EXECUTE ON FUNCTION app_private.gift_link_json(public.gift_links) TO anon, authenticated, service_role;

-- The public view of one link by its token: counts the view and returns the link with its
-- products. SECURITY DEFINER because clients cannot read others' links (no enumeration: the
-- caller must know the token, and gets that one live link only).
CREATE FUNCTION public.view_gift_link(p_token text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_link public.gift_links;
BEGIN
  UPDATE public.gift_links g SET view_count = coalesce(g.view_count, 0) + 1
  WHERE g.link_token = p_token AND g.is_active AND (g.expires_at IS NULL OR g.expires_at > pg_catalog.now())
  RETURNING * INTO v_link;
  IF v_link.id IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN app_private.gift_link_json(v_link) - 'view_count' || pg_catalog.jsonb_build_object(
    'view_count', v_link.view_count,
    'products', coalesce((
      SELECT pg_catalog.jsonb_agg(app_private.product_json(p, c.name) ORDER BY pos.n)
      FROM pg_catalog.unnest(v_link.product_ids) WITH ORDINALITY AS pos (id, n)
      JOIN public.products p ON p.id = pos.id AND p.is_active
      LEFT JOIN public.categories c ON c.id = p.category_id), '[]'::jsonb));
END;
$$;

-- get_user_analytics_summary (§5): swipes, affiliate clicks and product views in the last p_days;
-- engagement_score = 0.4 x swipe engagement + 0.3 x clicks / max(1, views)
--                  + 0.3 x min(1, average view seconds / 30), capped at 1.
-- INVOKER: RLS limits every count to the caller's own rows; the guard makes asking for
-- someone else an error rather than a page of zeros.
CREATE FUNCTION public.get_user_analytics_summary(p_user_id uuid, p_days integer DEFAULT 30) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_since timestamptz := pg_catalog.now() - pg_catalog.make_interval(days => greatest(coalesce(p_days, 30), 1));
  v_swipes integer; v_likes integer; v_dislikes integer; v_super integer;
  v_clicks integer; v_conversions integer; v_expected numeric; v_actual numeric;
  v_views integer; v_avg_view numeric;
  v_swipe_engagement numeric; v_score numeric;
BEGIN
  PERFORM app_private.require_caller_for(p_user_id);
  SELECT count(*), count(*) FILTER (WHERE s.swipe_direction IN ('right', 'up')),
         count(*) FILTER (WHERE s.swipe_direction = 'left'), count(*) FILTER (WHERE s.swipe_direction = 'up')
  INTO v_swipes, v_likes, v_dislikes, v_super
  FROM public.swipe_interactions s WHERE s.user_id = p_user_id AND s.swipe_timestamp >= v_since;
  SELECT count(*), count(*) FILTER (WHERE c.is_converted), coalesce(sum(c.expected_commission), 0),
         coalesce(sum(c.actual_commission), 0)
  INTO v_clicks, v_conversions, v_expected, v_actual
  FROM public.affiliate_clicks c WHERE c.user_id = p_user_id AND c.click_timestamp >= v_since;
  SELECT count(*), avg(v.view_duration_seconds)
  INTO v_views, v_avg_view
  FROM public.product_views v WHERE v.user_id = p_user_id AND v.view_timestamp >= v_since;

  v_swipe_engagement := CASE WHEN v_swipes = 0 THEN 0 ELSE v_likes::numeric / v_swipes END;
  v_score := least(1, 0.4 * v_swipe_engagement + 0.3 * v_clicks::numeric / greatest(1, v_views)
                      + 0.3 * least(1, coalesce(v_avg_view, 0) / 30.0));
  RETURN pg_catalog.jsonb_build_object(
    'user_id', p_user_id,
    'period_days', greatest(coalesce(p_days, 30), 1),
    'swipes', pg_catalog.jsonb_build_object('total', v_swipes, 'likes', v_likes, 'dislikes', v_dislikes,
                                            'super_likes', v_super, 'engagement_rate', round(v_swipe_engagement, 4)),
    'affiliate_clicks', pg_catalog.jsonb_build_object('total', v_clicks, 'conversions', v_conversions,
                                                      'expected_commission', v_expected, 'actual_commission', v_actual),
    'product_views', pg_catalog.jsonb_build_object('total', v_views, 'average_view_seconds', round(coalesce(v_avg_view, 0), 2)),
    'engagement_score', round(v_score, 4));
END;
$$;

REVOKE EXECUTE ON FUNCTION
  public.create_gift_link(text, text, text, uuid[], timestamptz, text, text, boolean),
  public.view_gift_link(text),
  public.get_user_analytics_summary(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.create_gift_link(text, text, text, uuid[], timestamptz, text, text, boolean)
  TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.view_gift_link(text) TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.get_user_analytics_summary(uuid, integer) TO authenticated, service_role;
