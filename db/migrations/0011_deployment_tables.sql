-- The five tables the deployment adds, with the columns and value sets of the main
-- deployment script 03_deploy_missing_tables_corrected.sql (where 02 and 03 differ, 03 wins:
-- session_analytics.operating_system, recommendation_feedback.feedback_tags /
-- original_confidence_score). user_id references auth.users directly, as 03 does.
-- Departures: gen_random_uuid() defaults; user_preferences' two table CHECKs relaxed so the
-- rows the service computes are accepted (defect 7). Indexes/triggers/RLS in later files.

CREATE TABLE public.affiliate_clicks (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id               uuid REFERENCES auth.users (id) ON DELETE SET NULL,
  anonymous_id          text,
  product_id            uuid REFERENCES public.products (id) ON DELETE CASCADE,
  session_id            text NOT NULL,
  click_timestamp       timestamptz DEFAULT now(),
  source_page           text NOT NULL,
  device_type           text CHECK (device_type IN ('mobile', 'tablet', 'desktop')),
  affiliate_network     text NOT NULL,
  affiliate_url         text NOT NULL,
  commission_rate       numeric(5,4) CHECK (commission_rate >= 0 AND commission_rate <= 1),
  expected_commission   numeric(10,2) CHECK (expected_commission >= 0),
  -- Conversion is recorded on the click row, as the real schema does.
  is_converted          boolean DEFAULT false,
  conversion_timestamp  timestamptz,
  actual_commission     numeric(10,2) CHECK (actual_commission >= 0),
  order_id              text,
  user_agent            text,
  ip_address            inet,
  referrer_url          text,
  utm_source            text,
  utm_medium            text,
  utm_campaign          text,
  created_at            timestamptz DEFAULT now(),
  updated_at            timestamptz DEFAULT now(),
  CONSTRAINT valid_conversion_data CHECK (
    is_converted = false OR (is_converted = true AND conversion_timestamp IS NOT NULL)
  ),
  CONSTRAINT valid_commission_data CHECK (
    actual_commission IS NULL OR (actual_commission IS NOT NULL AND is_converted = true)
  )
);
COMMENT ON TABLE public.affiliate_clicks IS 'Revenue attribution tracking for affiliate link clicks and conversions';

CREATE TABLE public.user_preferences (
  user_id                uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  category_preferences   jsonb DEFAULT '{}',
  category_confidence    jsonb DEFAULT '{}',
  price_range            jsonb DEFAULT '{}',
  price_sensitivity      numeric(3,2) DEFAULT 0.5,
  liked_brands           text[] DEFAULT '{}',
  disliked_brands        text[] DEFAULT '{}',
  brand_scores           jsonb DEFAULT '{}',
  style_scores           jsonb DEFAULT '{}',
  colour_preferences     jsonb DEFAULT '{}',
  occasion_preferences   jsonb DEFAULT '{}',
  recipient_preferences  jsonb DEFAULT '{}',
  total_swipes           integer DEFAULT 0 CHECK (total_swipes >= 0),
  right_swipes           integer DEFAULT 0 CHECK (right_swipes >= 0),
  left_swipes            integer DEFAULT 0 CHECK (left_swipes >= 0),
  super_likes            integer DEFAULT 0 CHECK (super_likes >= 0),
  engagement_rate        numeric(5,4) DEFAULT 0.0 CHECK (engagement_rate >= 0 AND engagement_rate <= 1),
  ml_features            jsonb DEFAULT '{}',
  embedding_vector       float8[],
  cluster_id             integer,
  similarity_threshold   numeric(3,2) DEFAULT 0.7,
  last_calculated        timestamptz DEFAULT now(),
  calculation_version    text DEFAULT 'v1.0',
  data_quality_score     numeric(3,2) DEFAULT 0.0 CHECK (data_quality_score >= 0 AND data_quality_score <= 1),
  confidence_level       numeric(3,2) DEFAULT 0.0 CHECK (confidence_level >= 0 AND confidence_level <= 1),
  created_at             timestamptz DEFAULT now(),
  updated_at             timestamptz DEFAULT now(),
  -- 03 demands total = right + left, which rejects every row with an up/down swipe;
  -- up/down swipes are counted in total but in neither column.
  CONSTRAINT valid_swipe_data CHECK (total_swipes >= right_swipes + left_swipes),
  -- 03 demands rate = right/total exactly, but the service counts right+up as likes and the
  -- column is numeric(5,4) (rounded); only the range is a real invariant.
  CONSTRAINT valid_engagement_rate CHECK (
    (total_swipes = 0 AND engagement_rate = 0)
    OR (total_swipes > 0 AND engagement_rate >= 0 AND engagement_rate <= 1)
  )
);
COMMENT ON TABLE public.user_preferences IS 'ML-calculated user preferences for personalised recommendations';

CREATE TABLE public.session_analytics (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id              text NOT NULL UNIQUE,
  user_id                 uuid REFERENCES auth.users (id) ON DELETE SET NULL,
  anonymous_id            text,
  started_at              timestamptz DEFAULT now(),
  ended_at                timestamptz,
  duration_seconds        integer CHECK (duration_seconds >= 0),
  last_activity_at        timestamptz DEFAULT now(),
  landing_page            text NOT NULL,
  exit_page               text,
  pages_viewed            integer DEFAULT 1 CHECK (pages_viewed >= 1),
  page_sequence           text[],
  total_clicks            integer DEFAULT 0 CHECK (total_clicks >= 0),
  total_swipes            integer DEFAULT 0 CHECK (total_swipes >= 0),
  products_viewed         integer DEFAULT 0 CHECK (products_viewed >= 0),
  recommendations_viewed  integer DEFAULT 0 CHECK (recommendations_viewed >= 0),
  affiliate_clicks        integer DEFAULT 0 CHECK (affiliate_clicks >= 0),
  has_registered          boolean DEFAULT false,
  registration_timestamp  timestamptz,
  has_converted           boolean DEFAULT false,
  conversion_timestamp    timestamptz,
  conversion_value        numeric(10,2) CHECK (conversion_value >= 0),
  device_type             text CHECK (device_type IN ('mobile', 'tablet', 'desktop')),
  browser                 text,
  operating_system        text,
  screen_resolution       text,
  country_code            text,
  city                    text,
  timezone                text,
  referrer_url            text,
  utm_source              text,
  utm_medium              text,
  utm_campaign            text,
  utm_content             text,
  utm_term                text,
  is_bounce               boolean DEFAULT false,
  is_active               boolean DEFAULT true,
  session_quality_score   numeric(3,2) CHECK (session_quality_score >= 0 AND session_quality_score <= 1),
  engagement_score        numeric(3,2) CHECK (engagement_score >= 0 AND engagement_score <= 1),
  created_at              timestamptz DEFAULT now(),
  updated_at              timestamptz DEFAULT now(),
  CONSTRAINT valid_session_timing CHECK (ended_at IS NULL OR ended_at >= started_at),
  CONSTRAINT valid_conversion_timing CHECK (
    has_converted = false OR (has_converted = true AND conversion_timestamp IS NOT NULL)
  ),
  CONSTRAINT valid_registration_timing CHECK (
    has_registered = false OR (has_registered = true AND registration_timestamp IS NOT NULL)
  )
);
COMMENT ON TABLE public.session_analytics IS 'Comprehensive user session tracking for behavioural analytics';

-- No updated_at (as 02/03). view_source / interaction_type value sets kept as 03: the
-- service must write valid values (its defaults "api"/"unknown" are a defect, §5).
CREATE TABLE public.product_views (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id             uuid NOT NULL REFERENCES public.products (id) ON DELETE CASCADE,
  user_id                uuid REFERENCES auth.users (id) ON DELETE SET NULL,
  session_id             text NOT NULL,
  view_timestamp         timestamptz DEFAULT now(),
  view_source            text NOT NULL CHECK (view_source IN
                           ('swipe', 'recommendations', 'search', 'category', 'direct', 'related', 'trending')),
  view_position          integer CHECK (view_position >= 1),
  view_duration_seconds  integer CHECK (view_duration_seconds >= 0),
  interaction_type       text NOT NULL CHECK (interaction_type IN
                           ('impression', 'click', 'detail_view', 'add_to_wishlist', 'share', 'save')),
  has_clicked_affiliate  boolean DEFAULT false,
  has_shared             boolean DEFAULT false,
  has_saved              boolean DEFAULT false,
  recommendation_id      uuid REFERENCES public.recommendations (id) ON DELETE SET NULL,
  search_query           text,
  filter_criteria        jsonb DEFAULT '{}',
  device_type            text CHECK (device_type IN ('mobile', 'tablet', 'desktop')),
  viewport_size          text,
  screen_density         numeric(3,1),
  relevance_score        numeric(3,2) CHECK (relevance_score >= 0 AND relevance_score <= 1),
  predicted_interest     numeric(3,2) CHECK (predicted_interest >= 0 AND predicted_interest <= 1),
  created_at             timestamptz DEFAULT now()
);
COMMENT ON TABLE public.product_views IS 'Product engagement tracking for analytics and recommendation optimisation';

CREATE TABLE public.recommendation_feedback (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  recommendation_id          uuid NOT NULL REFERENCES public.recommendations (id) ON DELETE CASCADE,
  user_id                    uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  product_id                 uuid NOT NULL REFERENCES public.products (id) ON DELETE CASCADE,
  feedback_type              text NOT NULL CHECK (feedback_type IN ('explicit', 'implicit')),
  feedback_action            text NOT NULL CHECK (feedback_action IN (
                               'like', 'dislike', 'love', 'not_interested', 'click', 'purchase',
                               'ignore', 'report', 'share', 'save', 'view_details')),
  feedback_value             numeric(3,2) NOT NULL CHECK (feedback_value >= -1.0 AND feedback_value <= 1.0),
  rating                     integer CHECK (rating >= 1 AND rating <= 5),
  comment                    text,
  feedback_tags              text[],
  time_to_action_seconds     integer CHECK (time_to_action_seconds >= 0),
  dwell_time_seconds         integer CHECK (dwell_time_seconds >= 0),
  scroll_depth               numeric(3,2) CHECK (scroll_depth >= 0 AND scroll_depth <= 1),
  click_depth                integer CHECK (click_depth >= 0),
  feedback_source            text NOT NULL CHECK (feedback_source IN (
                               'recommendation_list', 'email', 'push_notification', 'in_app', 'web_app')),
  session_id                 text,
  position_in_list           integer CHECK (position_in_list >= 1),
  model_version              text NOT NULL,
  original_confidence_score  numeric(3,2) CHECK (original_confidence_score >= 0 AND original_confidence_score <= 1),
  training_weight            numeric(3,2) DEFAULT 1.0 CHECK (training_weight >= 0),
  is_processed               boolean DEFAULT false,
  processing_timestamp       timestamptz,
  is_validated               boolean DEFAULT true,
  validation_notes           text,
  created_at                 timestamptz DEFAULT now()
);
COMMENT ON TABLE public.recommendation_feedback IS 'User feedback collection for ML model training and improvement';
