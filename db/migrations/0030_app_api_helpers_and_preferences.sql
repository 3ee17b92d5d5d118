-- App API (stack/server/app-api) part 1: private helpers and calculate_user_preferences.
-- The App API runs every request as the caller (role + request.jwt.claims, PostgREST-style), so
-- these functions are what PostgREST serves as RPC too (/rest/v1/rpc/calculate_user_preferences).
-- Helpers live in app_private: not in PostgREST's exposed schema, and not one of the 14 public tables.

CREATE SCHEMA IF NOT EXISTS app_private;
REVOKE ALL ON SCHEMA app_private FROM PUBLIC;
-- USAGE only, so invoker functions can call the helpers; no table in it is granted to a client role.
GRANT USAGE ON SCHEMA app_private TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA app_private REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Whether the current caller may act for p_user_id: the user themself, the service role, or a
-- direct superuser session without JWT claims (kit tools run as postgres). Used by the
-- SECURITY DEFINER functions below, which would otherwise act for anyone.
CREATE FUNCTION app_private.caller_may_act_for(p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  select coalesce(auth.role(), '') = 'service_role'
      or (p_user_id is not null and auth.uid() is not distinct from p_user_id)
      or (nullif(pg_catalog.current_setting('request.jwt.claims', true), '') is null
          and coalesce((select r.rolsuper from pg_catalog.pg_roles r where r.rolname = session_user), false))
$$;

CREATE FUNCTION app_private.require_caller_for(p_user_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT app_private.caller_may_act_for(p_user_id) THEN
    RAISE EXCEPTION USING ERRCODE = '42501',
      MESSAGE = pg_catalog.format('caller may not act for user %s', p_user_id);
  END IF;
END;
$$;

-- The legacy tables (swipe_sessions, swipe_interactions, recommendations, gift_links) reference
-- public.users, which nothing else creates for an Auth user (aclue-target §1.0). The first write
-- through the App API creates the caller's own row from the JWT claims. INVOKER: RLS lets a user
-- insert exactly their own row.
CREATE FUNCTION app_private.ensure_user() RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  insert into public.users (id, email, first_name, last_name)
  select auth.uid(),
         coalesce(auth.email(), auth.uid()::text || '@users.invalid'),
         auth.jwt() -> 'user_metadata' ->> 'first_name',
         auth.jwt() -> 'user_metadata' ->> 'last_name'
  where auth.uid() is not null
    and not exists (select 1 from public.users u where u.id = auth.uid())
  on conflict do nothing
$$;

-- The App API's product shape (aclue-target §4 GET /products/): price, retailer, asin and category
-- are not columns of the kit's (= the project's) products table, so they are derived here, once.
CREATE FUNCTION app_private.product_json(p public.products, category_name text) RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  select pg_catalog.jsonb_build_object(
    'id', p.id,
    'title', p.title,
    'description', p.description,
    'price', coalesce(p.price_min, p.price_max),
    'currency', p.currency,
    'category', category_name,
    'brand', p.brand,
    'retailer', coalesce(p.features ->> 'retailer',
                         case p.affiliate_network when 'amazon' then 'Amazon UK' else p.affiliate_network end),
    'image_url', p.image_url,
    'affiliate_url', p.affiliate_url,
    'asin', coalesce(p.features ->> 'asin', substring(p.affiliate_url from '/dp/([A-Z0-9]{10})')),
    'rating', p.rating,
    'review_count', p.review_count,
    'features', case
                  when pg_catalog.jsonb_typeof(p.features) = 'array' then p.features
                  when pg_catalog.jsonb_typeof(p.features -> 'items') = 'array' then p.features -> 'items'
                  else '[]'::jsonb
                end)
$$;

GRANT EXECUTE ON FUNCTION app_private.caller_may_act_for(uuid), app_private.require_caller_for(uuid),
  app_private.product_json(public.products, text)
  TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION app_private.ensure_user() TO authenticated, service_role;

-- calculate_user_preferences as the real database_service defines it (aclue-target §5):
-- the user's latest 1,000 swipes joined to their product and its category; per category NAME the
-- like rate (likes = right + up) and a confidence min(1, n/10); brands with >= 3 swipes scored by
-- like rate, liked >= 0.7 (top 10) and disliked <= 0.3 (top 5); price range from liked items'
-- price_min > 0 (0.8 x min, 1.2 x max, mean, truncated to integers, GBP); engagement
-- (right + up)/total; data quality min(1, total/50); ml_features diversity, price_flexibility,
-- brand_loyalty. Upserted into user_preferences.
-- SECURITY DEFINER because user_preferences is service-written (clients have SELECT only, so
-- users cannot forge their own ML features); the guard limits a caller to their own id.
CREATE FUNCTION public.calculate_user_preferences(p_user_id uuid) RETURNS public.user_preferences
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_total integer; v_right integer; v_left integer; v_up integer;
  v_cat_pref jsonb; v_cat_conf jsonb; v_confidence numeric;
  v_brand_scores jsonb; v_liked text[]; v_disliked text[]; v_scored integer;
  v_min numeric; v_max numeric; v_avg numeric; v_categories integer;
  v_price jsonb; v_ml jsonb; v_engagement numeric; v_quality numeric;
  v_row public.user_preferences;
BEGIN
  PERFORM app_private.require_caller_for(p_user_id);
  IF NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.id = p_user_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = pg_catalog.format('user %s not found', p_user_id);
  END IF;

  WITH recent AS (
    SELECT s.swipe_direction AS dir, p.price_min, p.brand, c.name AS category
    FROM public.swipe_interactions s
    JOIN public.products p ON p.id = s.product_id
    JOIN public.categories c ON c.id = p.category_id
    WHERE s.user_id = p_user_id
    ORDER BY s.swipe_timestamp DESC
    LIMIT 1000
  ),
  cats AS (
    SELECT category, count(*) AS n, count(*) FILTER (WHERE dir IN ('right', 'up')) AS likes
    FROM recent GROUP BY category
  ),
  brands AS (
    SELECT brand, count(*) FILTER (WHERE dir IN ('right', 'up'))::numeric / count(*) AS score
    FROM recent WHERE brand IS NOT NULL GROUP BY brand HAVING count(*) >= 3
  ),
  prices AS (
    SELECT min(price_min) AS mn, max(price_min) AS mx, avg(price_min) AS av
    FROM recent WHERE dir IN ('right', 'up') AND price_min > 0
  )
  SELECT
    (SELECT count(*) FROM recent),
    (SELECT count(*) FROM recent WHERE dir = 'right'),
    (SELECT count(*) FROM recent WHERE dir = 'left'),
    (SELECT count(*) FROM recent WHERE dir = 'up'),
    coalesce((SELECT pg_catalog.jsonb_object_agg(category, round(likes::numeric / n, 4)) FROM cats), '{}'),
    coalesce((SELECT pg_catalog.jsonb_object_agg(category, least(1, round(n / 10.0, 4))) FROM cats), '{}'),
    (SELECT avg(least(1, n / 10.0)) FROM cats),
    coalesce((SELECT pg_catalog.jsonb_object_agg(brand, round(score, 4)) FROM brands), '{}'),
    coalesce((SELECT array_agg(brand ORDER BY score DESC, brand)
              FROM (SELECT brand, score FROM brands WHERE score >= 0.7 ORDER BY score DESC, brand LIMIT 10) b), '{}'),
    coalesce((SELECT array_agg(brand ORDER BY score, brand)
              FROM (SELECT brand, score FROM brands WHERE score <= 0.3 ORDER BY score, brand LIMIT 5) b), '{}'),
    (SELECT count(*) FROM brands),
    (SELECT count(*) FROM cats),
    pr.mn, pr.mx, pr.av
  INTO v_total, v_right, v_left, v_up, v_cat_pref, v_cat_conf, v_confidence, v_brand_scores,
       v_liked, v_disliked, v_scored, v_categories, v_min, v_max, v_avg
  FROM prices pr;

  IF v_min IS NULL THEN
    v_price := pg_catalog.jsonb_build_object('min', 0, 'max', 1000, 'currency', 'GBP');
  ELSE
    v_price := pg_catalog.jsonb_build_object(
      'min', trunc(0.8 * v_min)::integer, 'max', trunc(1.2 * v_max)::integer,
      'avg', trunc(v_avg)::integer, 'currency', 'GBP');
  END IF;

  v_engagement := CASE WHEN v_total = 0 THEN 0 ELSE round((v_right + v_up)::numeric / v_total, 4) END;
  v_quality := round(least(1, v_total / 50.0), 2);
  v_ml := pg_catalog.jsonb_build_object(
    'category_diversity', v_categories,
    'price_flexibility', CASE WHEN coalesce((v_price ->> 'avg')::numeric, 0) = 0 THEN 0
                              ELSE round(((v_price ->> 'max')::numeric - (v_price ->> 'min')::numeric)
                                         / (v_price ->> 'avg')::numeric, 4) END,
    'brand_loyalty', round(coalesce(pg_catalog.cardinality(v_liked), 0)::numeric / greatest(1, v_scored), 4));

  INSERT INTO public.user_preferences AS up (
    user_id, category_preferences, category_confidence, price_range, liked_brands, disliked_brands,
    brand_scores, total_swipes, right_swipes, left_swipes, super_likes, engagement_rate, ml_features,
    last_calculated, calculation_version, data_quality_score, confidence_level)
  VALUES (
    p_user_id, v_cat_pref, v_cat_conf, v_price, v_liked, v_disliked,
    v_brand_scores, v_total, v_right, v_left, v_up, v_engagement, v_ml,
    pg_catalog.clock_timestamp(), 'v2.0', v_quality, round(coalesce(v_confidence, 0), 2))
  ON CONFLICT (user_id) DO UPDATE SET
    category_preferences = EXCLUDED.category_preferences,
    category_confidence  = EXCLUDED.category_confidence,
    price_range          = EXCLUDED.price_range,
    liked_brands         = EXCLUDED.liked_brands,
    disliked_brands      = EXCLUDED.disliked_brands,
    brand_scores         = EXCLUDED.brand_scores,
    total_swipes         = EXCLUDED.total_swipes,
    right_swipes         = EXCLUDED.right_swipes,
    left_swipes          = EXCLUDED.left_swipes,
    super_likes          = EXCLUDED.super_likes,
    engagement_rate      = EXCLUDED.engagement_rate,
    ml_features          = EXCLUDED.ml_features,
    last_calculated      = EXCLUDED.last_calculated,
    calculation_version  = EXCLUDED.calculation_version,
    data_quality_score   = EXCLUDED.data_quality_score,
    confidence_level     = EXCLUDED.confidence_level
  RETURNING up.* INTO v_row;
  RETURN v_row;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.calculate_user_preferences(uuid) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.calculate_user_preferences(uuid) TO authenticated, service_role;
