-- Indexes: the project's (S, fix_rls_policies.sql = F, 03), minus exact duplicates of UNIQUE
-- constraints and plain prefixes of a composite index on the same table, plus the ones the
-- RLS policies and hot queries need. Every FK column leads some index (lint 0001); no two
-- indexes are identical (lint 0009). Names kept from the project where the index is kept.

-- categories (F)
CREATE INDEX idx_categories_parent_id   ON public.categories (parent_id);
CREATE INDEX idx_categories_active_sort ON public.categories (is_active, sort_order) WHERE is_active = true;

-- products (S, F). F's idx_products_active_category was (category_id, is_active) partial;
-- the anon/authenticated policy filters is_active alone, so is_active leads here.
CREATE INDEX idx_products_category        ON public.products (category_id);
CREATE INDEX idx_products_active_category ON public.products (is_active, category_id);
CREATE INDEX idx_products_price_min   ON public.products (price_min) WHERE price_min IS NOT NULL;
CREATE INDEX idx_products_price_max   ON public.products (price_max) WHERE price_max IS NOT NULL;
CREATE INDEX idx_products_price_range ON public.products (price_min, price_max)
  WHERE price_min IS NOT NULL AND price_max IS NOT NULL;
CREATE INDEX idx_products_brand  ON public.products (brand) WHERE brand IS NOT NULL;
CREATE INDEX idx_products_rating ON public.products (rating DESC) WHERE rating IS NOT NULL;

-- swipe_sessions (F)
CREATE INDEX idx_swipe_sessions_user_id   ON public.swipe_sessions (user_id);
CREATE INDEX idx_swipe_sessions_completed ON public.swipe_sessions (user_id, completed_at DESC) WHERE is_completed = true;

-- swipe_interactions (S, F). idx_swipe_interactions_user gains swipe_timestamp: the
-- preference calculation reads a user's latest 1000 swipes, and RLS filters on user_id.
CREATE INDEX idx_swipe_interactions_session     ON public.swipe_interactions (session_id);
CREATE INDEX idx_swipe_interactions_user        ON public.swipe_interactions (user_id, swipe_timestamp DESC);
CREATE INDEX idx_swipe_interactions_category_id ON public.swipe_interactions (category_id);
CREATE INDEX idx_swipe_interactions_product_id  ON public.swipe_interactions (product_id);
CREATE INDEX idx_swipe_interactions_timestamp   ON public.swipe_interactions (swipe_timestamp DESC);

-- recommendations (F). S's idx_recommendations_user (user_id) is a plain prefix of
-- idx_recommendations_user_created and is not created; idx_recommendations_score F dropped.
CREATE INDEX idx_recommendations_product_id   ON public.recommendations (product_id);
CREATE INDEX idx_recommendations_session_id   ON public.recommendations (session_id);
CREATE INDEX idx_recommendations_user_score   ON public.recommendations (user_id, confidence_score DESC);
CREATE INDEX idx_recommendations_user_created ON public.recommendations (user_id, created_at DESC);
CREATE INDEX idx_recommendations_active       ON public.recommendations (user_id, expires_at) WHERE expires_at IS NOT NULL;

-- gift_links (F). idx_gift_links_token duplicates the UNIQUE on link_token (not created);
-- idx_gift_links_user_id is a plain prefix of idx_gift_links_user_created (not created).
CREATE INDEX idx_gift_links_session_id   ON public.gift_links (session_id);
CREATE INDEX idx_gift_links_active_token ON public.gift_links (link_token) WHERE is_active = true;
CREATE INDEX idx_gift_links_user_created ON public.gift_links (user_id, created_at DESC);

-- newsletter_signups (N). idx_newsletter_signups_email duplicates unique_newsletter_email.
CREATE INDEX idx_newsletter_signups_created_at ON public.newsletter_signups (created_at DESC);
CREATE INDEX idx_newsletter_signups_active     ON public.newsletter_signups (is_active);

-- affiliate_clicks (03)
CREATE INDEX idx_affiliate_clicks_user_id    ON public.affiliate_clicks (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX idx_affiliate_clicks_product_id ON public.affiliate_clicks (product_id);
CREATE INDEX idx_affiliate_clicks_timestamp  ON public.affiliate_clicks (click_timestamp DESC);
CREATE INDEX idx_affiliate_clicks_conversion ON public.affiliate_clicks (is_converted, conversion_timestamp DESC)
  WHERE is_converted = true;
CREATE INDEX idx_affiliate_clicks_session    ON public.affiliate_clicks (session_id);
CREATE INDEX idx_affiliate_clicks_anonymous  ON public.affiliate_clicks (anonymous_id) WHERE anonymous_id IS NOT NULL;
CREATE INDEX idx_affiliate_clicks_network    ON public.affiliate_clicks (affiliate_network, click_timestamp DESC);
-- Kit addition: a network order id converts at most one click, so a replayed postback for
-- the same order cannot attribute the commission twice.
CREATE UNIQUE INDEX uq_affiliate_clicks_order_id ON public.affiliate_clicks (order_id) WHERE order_id IS NOT NULL;

-- user_preferences (03)
CREATE INDEX idx_user_preferences_calculated ON public.user_preferences (last_calculated DESC);
CREATE INDEX idx_user_preferences_quality    ON public.user_preferences (data_quality_score DESC) WHERE data_quality_score > 0.5;
CREATE INDEX idx_user_preferences_cluster    ON public.user_preferences (cluster_id) WHERE cluster_id IS NOT NULL;
CREATE INDEX idx_user_preferences_engagement ON public.user_preferences (engagement_rate DESC) WHERE engagement_rate > 0;
CREATE INDEX idx_user_pref_categories ON public.user_preferences USING gin (category_preferences);
CREATE INDEX idx_user_pref_brands     ON public.user_preferences USING gin (brand_scores);
CREATE INDEX idx_user_pref_styles     ON public.user_preferences USING gin (style_scores);

-- session_analytics (03). idx_session_analytics_session_id duplicates the UNIQUE on session_id.
CREATE INDEX idx_session_analytics_user_id    ON public.session_analytics (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX idx_session_analytics_anonymous  ON public.session_analytics (anonymous_id) WHERE anonymous_id IS NOT NULL;
CREATE INDEX idx_session_analytics_started    ON public.session_analytics (started_at DESC);
CREATE INDEX idx_session_analytics_conversion ON public.session_analytics (has_converted, conversion_timestamp DESC)
  WHERE has_converted = true;
CREATE INDEX idx_session_analytics_active     ON public.session_analytics (is_active, last_activity_at DESC)
  WHERE is_active = true;
CREATE INDEX idx_session_analytics_landing    ON public.session_analytics (landing_page);
CREATE INDEX idx_session_analytics_utm        ON public.session_analytics (utm_source, utm_medium, utm_campaign);

-- product_views (03)
CREATE INDEX idx_product_views_product_id      ON public.product_views (product_id, view_timestamp DESC);
CREATE INDEX idx_product_views_user_id         ON public.product_views (user_id, view_timestamp DESC) WHERE user_id IS NOT NULL;
CREATE INDEX idx_product_views_session         ON public.product_views (session_id, view_timestamp DESC);
CREATE INDEX idx_product_views_source          ON public.product_views (view_source, view_timestamp DESC);
CREATE INDEX idx_product_views_interaction     ON public.product_views (interaction_type, view_timestamp DESC);
CREATE INDEX idx_product_views_recommendation  ON public.product_views (recommendation_id) WHERE recommendation_id IS NOT NULL;
CREATE INDEX idx_product_views_affiliate_clicks ON public.product_views (has_clicked_affiliate, view_timestamp DESC)
  WHERE has_clicked_affiliate = true;
CREATE INDEX idx_product_views_analytics       ON public.product_views (product_id, view_source, interaction_type, view_timestamp DESC);
CREATE INDEX idx_product_views_ctr_analysis    ON public.product_views (product_id, view_position, has_clicked_affiliate);

-- recommendation_feedback (03)
CREATE INDEX idx_rec_feedback_recommendation ON public.recommendation_feedback (recommendation_id, created_at DESC);
CREATE INDEX idx_rec_feedback_user           ON public.recommendation_feedback (user_id, created_at DESC);
CREATE INDEX idx_rec_feedback_product        ON public.recommendation_feedback (product_id, feedback_value DESC);
CREATE INDEX idx_rec_feedback_unprocessed    ON public.recommendation_feedback (is_processed, created_at ASC)
  WHERE is_processed = false;
CREATE INDEX idx_rec_feedback_action         ON public.recommendation_feedback (feedback_action, feedback_value);
CREATE INDEX idx_rec_feedback_model          ON public.recommendation_feedback (model_version, is_processed);
CREATE INDEX idx_rec_feedback_training       ON public.recommendation_feedback (training_weight DESC, is_validated, is_processed)
  WHERE is_validated = true;
