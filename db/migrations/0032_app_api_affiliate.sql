-- App API part 3: affiliate clicks (stored, returning the merchant URL carrying the click id) and
-- network postbacks (conversion tracking, which the project never wrote; aclue-target §7).

-- Postbacks that could not be attributed to a click: unknown click id, conversion outside the
-- attribution window, an order already attributed to another click, or a second order on a
-- converted click. Kept out of `public` (not an app table, not exposed by PostgREST) and readable
-- by the service role and the kit (postgres) only. One row per (reason, order_id): a replayed
-- postback does not add a second orphan.
CREATE TABLE app_private.affiliate_postback_orphans (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  received_at          timestamptz NOT NULL DEFAULT now(),
  reason               text NOT NULL CHECK (reason IN ('unknown_click', 'expired', 'order_conflict', 'already_converted')),
  click_id             text NOT NULL,
  order_id             text NOT NULL,
  amount               numeric(12,2),
  commission           numeric(12,2),
  currency             text,
  network              text,
  converted_at         timestamptz,
  -- The click the order is (already) attributed to, for order_conflict / already_converted / expired.
  related_click_id     uuid,
  payload              jsonb,
  CONSTRAINT affiliate_postback_orphans_reason_order UNIQUE (reason, order_id)
);
CREATE INDEX idx_affiliate_postback_orphans_received ON app_private.affiliate_postback_orphans (received_at DESC);
CREATE INDEX idx_affiliate_postback_orphans_related ON app_private.affiliate_postback_orphans (related_click_id)
  WHERE related_click_id IS NOT NULL;
COMMENT ON TABLE app_private.affiliate_postback_orphans IS
  'Network postbacks not attributed to a click (reason says why); written by apply_affiliate_postback.';
REVOKE ALL ON app_private.affiliate_postback_orphans FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT ON app_private.affiliate_postback_orphans TO service_role;

-- Network from the merchant URL, with the real service's rules (§5): amazon needs `amazon.` and
-- `tag=`; Commission Junction's click domains; ShareASale; linksynergy (named impact there); Partnerize.
CREATE FUNCTION app_private.affiliate_network_of(p_url text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  select case
    when p_url ilike '%amazon.%' and p_url like '%tag=%' then 'amazon'
    when p_url ~* '(anrdoezrs|dpbolvw|tkqlhce)\.' then 'commission_junction'
    when p_url ilike '%shareasale%' then 'shareasale'
    when p_url ilike '%linksynergy%' then 'impact'
    when p_url ilike '%partnerize%' or p_url ilike '%prf.hn%' then 'partnerize'
    else 'unknown'
  end
$$;

-- The query parameter each network echoes back in its postback as the sub-id.
CREATE FUNCTION app_private.affiliate_subid_param(p_network text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  select case p_network
    when 'amazon' then 'ascsubtag'
    when 'commission_junction' then 'sid'
    when 'shareasale' then 'afftrack'
    when 'impact' then 'subId1'
    when 'partnerize' then 'pubref'
    else 'clickref'
  end
$$;

GRANT EXECUTE ON FUNCTION app_private.affiliate_network_of(text), app_private.affiliate_subid_param(text)
  TO anon, authenticated, service_role;

-- record_affiliate_click (§5 record_affiliate_click, as intended): the product must be active; the
-- network comes from its merchant URL; expected_commission = (price_min or price_max or 0) x
-- commission_rate (the project's unused COMMISSION_RATE_DEFAULT 0.075 when the product has none);
-- the stored affiliate_url is the redirect URL carrying the click id as the network's sub-id;
-- session_analytics.affiliate_clicks is incremented in the same statement that creates the
-- session row if needed (no read-modify-write race, unlike the project).
-- SECURITY DEFINER because session_analytics counters are service-written (clients may insert
-- their own rows but not update them); the click is always the caller's own (a user id other
-- than the caller's is accepted from the service role only).
CREATE FUNCTION public.record_affiliate_click(
  p_product_id uuid,
  p_session_id text DEFAULT NULL,
  p_source_page text DEFAULT 'unknown',
  p_device_type text DEFAULT NULL,
  p_anonymous_id text DEFAULT NULL,
  p_user_id uuid DEFAULT NULL,
  p_utm_source text DEFAULT NULL,
  p_utm_medium text DEFAULT NULL,
  p_utm_campaign text DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_product public.products;
  v_network text;
  v_rate numeric;
  v_expected numeric;
  v_session text;
  v_id uuid := gen_random_uuid();
  v_url text;
  v_at timestamptz;
BEGIN
  IF coalesce(auth.role(), '') = 'service_role' OR app_private.caller_may_act_for(NULL) THEN
    v_user := p_user_id;
  ELSE
    v_user := auth.uid();
    IF v_user IS NULL OR (p_user_id IS NOT NULL AND p_user_id <> v_user) THEN
      RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'an affiliate click is recorded for the calling user only';
    END IF;
  END IF;

  SELECT * INTO v_product FROM public.products p WHERE p.id = p_product_id AND p.is_active;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = pg_catalog.format('product %s not found or not active', p_product_id);
  END IF;
  IF coalesce(v_product.affiliate_url, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = pg_catalog.format('product %s has no affiliate URL', p_product_id);
  END IF;

  v_network := app_private.affiliate_network_of(v_product.affiliate_url);
  v_rate := coalesce(v_product.commission_rate, 0.075);
  v_expected := round(coalesce(v_product.price_min, v_product.price_max, 0) * v_rate, 2);
  v_url := v_product.affiliate_url
        || CASE WHEN v_product.affiliate_url ~ '[?&]$' THEN ''
                WHEN pg_catalog.strpos(v_product.affiliate_url, '?') > 0 THEN '&' ELSE '?' END
        || app_private.affiliate_subid_param(v_network) || '=' || v_id::text;
  v_session := coalesce(
    nullif(p_session_id, ''),
    (SELECT s.id::text FROM public.swipe_sessions s WHERE s.user_id = v_user ORDER BY s.started_at DESC LIMIT 1),
    'session_' || (extract(epoch FROM pg_catalog.clock_timestamp()) * 1000)::bigint::text);

  INSERT INTO public.affiliate_clicks (
    id, user_id, anonymous_id, product_id, session_id, source_page, device_type, affiliate_network,
    affiliate_url, commission_rate, expected_commission, is_converted, utm_source, utm_medium, utm_campaign)
  VALUES (
    v_id, v_user, p_anonymous_id, p_product_id, v_session, coalesce(nullif(p_source_page, ''), 'unknown'),
    CASE WHEN p_device_type IN ('mobile', 'tablet', 'desktop') THEN p_device_type END,
    v_network, v_url, v_rate, v_expected, false, p_utm_source, p_utm_medium, p_utm_campaign)
  RETURNING click_timestamp INTO v_at;

  -- Atomic counter: one upsert; another user's session row with the same id is left alone.
  INSERT INTO public.session_analytics AS sa (session_id, user_id, anonymous_id, landing_page, affiliate_clicks)
  VALUES (v_session, v_user, p_anonymous_id, coalesce(nullif(p_source_page, ''), 'unknown'), 1)
  ON CONFLICT (session_id) DO UPDATE
    SET affiliate_clicks = sa.affiliate_clicks + 1, last_activity_at = pg_catalog.now()
    WHERE sa.user_id IS NOT DISTINCT FROM EXCLUDED.user_id;

  RETURN pg_catalog.jsonb_build_object(
    'click_id', v_id, 'redirect_url', v_url, 'product_id', p_product_id, 'session_id', v_session,
    'affiliate_network', v_network, 'commission_rate', v_rate, 'expected_commission', v_expected,
    'click_timestamp', v_at);
END;
$$;

-- apply_affiliate_postback: a network's server-to-server conversion, applied once. Idempotent on
-- order_id (the unique index uq_affiliate_clicks_order_id backs it under concurrency): a replay
-- answers 'duplicate' and changes nothing. Unattributable postbacks are kept in
-- app_private.affiliate_postback_orphans with their reason. A conversion later than the
-- attribution window after its click is recorded there as 'expired' and does NOT convert the
-- click (the network would not pay commission on it). Run by the service role (INVOKER).
CREATE FUNCTION public.apply_affiliate_postback(
  p_click_id text,
  p_order_id text,
  p_amount numeric,
  p_commission numeric,
  p_currency text DEFAULT NULL,
  p_converted_at timestamptz DEFAULT NULL,
  p_network text DEFAULT NULL,
  p_attribution_window interval DEFAULT interval '30 days',
  p_payload jsonb DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_click_uuid uuid;
  v_click public.affiliate_clicks;
  v_other uuid;
  v_at timestamptz := coalesce(p_converted_at, pg_catalog.now());
  v_reason text;
BEGIN
  IF coalesce(p_order_id, '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'order_id is required';
  END IF;
  IF p_click_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    v_click_uuid := p_click_id::uuid;
  END IF;

  BEGIN
    IF v_click_uuid IS NOT NULL THEN
      -- Lock the click: concurrent postbacks for it are applied one after the other.
      SELECT * INTO v_click FROM public.affiliate_clicks c WHERE c.id = v_click_uuid FOR UPDATE;
    END IF;

    SELECT c.id INTO v_other FROM public.affiliate_clicks c WHERE c.order_id = p_order_id;
    IF v_other IS NOT NULL AND v_other IS NOT DISTINCT FROM v_click.id THEN
      RETURN pg_catalog.jsonb_build_object('status', 'duplicate', 'click_id', v_other, 'order_id', p_order_id);
    END IF;

    IF v_other IS NOT NULL THEN
      v_reason := 'order_conflict';
    ELSIF v_click.id IS NULL THEN
      v_reason := 'unknown_click';
    ELSIF v_click.is_converted THEN
      v_reason := 'already_converted';
    ELSIF v_at > v_click.click_timestamp + p_attribution_window THEN
      v_reason := 'expired';
    END IF;

    IF v_reason IS NULL THEN
      UPDATE public.affiliate_clicks c
      SET is_converted = true, conversion_timestamp = v_at, order_id = p_order_id, actual_commission = p_commission
      WHERE c.id = v_click.id;
      UPDATE public.session_analytics sa
      SET has_converted = true,
          conversion_timestamp = coalesce(sa.conversion_timestamp, v_at),
          conversion_value = coalesce(sa.conversion_value, 0) + coalesce(p_amount, 0)
      WHERE sa.session_id = v_click.session_id;
      RETURN pg_catalog.jsonb_build_object('status', 'converted', 'click_id', v_click.id, 'order_id', p_order_id,
                                           'actual_commission', p_commission, 'conversion_timestamp', v_at);
    END IF;
  EXCEPTION WHEN unique_violation THEN
    -- A concurrent postback attributed this order first (to this or another click).
    SELECT c.id INTO v_other FROM public.affiliate_clicks c WHERE c.order_id = p_order_id;
    IF v_other IS NOT DISTINCT FROM v_click_uuid THEN
      RETURN pg_catalog.jsonb_build_object('status', 'duplicate', 'click_id', v_other, 'order_id', p_order_id);
    END IF;
    v_reason := 'order_conflict';
  END;

  INSERT INTO app_private.affiliate_postback_orphans (
    reason, click_id, order_id, amount, commission, currency, network, converted_at, related_click_id, payload)
  VALUES (v_reason, coalesce(p_click_id, ''), p_order_id, p_amount, p_commission, p_currency, p_network, v_at,
          coalesce(v_other, v_click.id), p_payload)
  ON CONFLICT (reason, order_id) DO NOTHING;
  RETURN pg_catalog.jsonb_build_object('status', v_reason, 'click_id', p_click_id, 'order_id', p_order_id,
                                       'related_click_id', coalesce(v_other, v_click.id));
END;
$$;

-- The caller's own clicks and conversions over the last p_days (INVOKER: RLS keeps it to own rows).
CREATE FUNCTION public.get_affiliate_stats(p_days integer DEFAULT 30) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  with mine as (
    select c.affiliate_network, c.is_converted, c.expected_commission, c.actual_commission
    from public.affiliate_clicks c
    where c.user_id = auth.uid()
      and c.click_timestamp >= pg_catalog.now() - pg_catalog.make_interval(days => p_days)
  ),
  per_network as (
    select affiliate_network, count(*) as clicks, count(*) filter (where is_converted) as conversions
    from mine group by affiliate_network
  )
  select pg_catalog.jsonb_build_object(
    'period_days', p_days,
    'total_clicks', (select count(*) from mine),
    'conversions', (select count(*) from mine where is_converted),
    'conversion_rate', (select case when count(*) = 0 then 0
                                    else round(count(*) filter (where is_converted)::numeric / count(*), 4) end from mine),
    'expected_commission', (select coalesce(sum(expected_commission), 0) from mine),
    'actual_commission', (select coalesce(sum(actual_commission), 0) from mine),
    'by_network', coalesce((select pg_catalog.jsonb_object_agg(affiliate_network,
                              pg_catalog.jsonb_build_object('clicks', clicks, 'conversions', conversions))
                            from per_network), '{}'::jsonb))
$$;

REVOKE EXECUTE ON FUNCTION
  public.record_affiliate_click(uuid, text, text, text, text, uuid, text, text, text),
  public.apply_affiliate_postback(text, text, numeric, numeric, text, timestamptz, text, interval, jsonb),
  public.get_affiliate_stats(integer)
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.record_affiliate_click(uuid, text, text, text, text, uuid, text, text, text)
  TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.get_affiliate_stats(integer) TO authenticated, service_role;
-- Postbacks come from networks, server to server: the service role only.
GRANT EXECUTE ON FUNCTION public.apply_affiliate_postback(text, text, numeric, numeric, text, timestamptz, text, interval, jsonb)
  TO service_role;
