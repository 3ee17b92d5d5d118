-- Row level security and the grants that go with it, in one file so a table is never
-- exposed with one and not the other. Rules (Supabase RLS guidance, splinter):
--  * every public table has RLS enabled;
--  * policies name their role (TO authenticated / TO anon), never the implicit PUBLIC;
--  * auth.uid() is wrapped as (select auth.uid()) so it is evaluated once per statement;
--  * one permissive policy per role and action, no FOR ALL policies;
--  * service_role has BYPASSRLS, so it gets grants and no USING (true) policies;
--  * grants are exactly what the policies need: a role without a grant gets 42501
--    (PostgREST 401/403) instead of a silent empty result.
-- UPDATE and DELETE read the row, so each has a matching SELECT policy; INSERT ... RETURNING
-- (PostgREST return=representation) needs the new row to be SELECT-visible too.

ALTER TABLE public.users                   ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.profiles                ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.categories              ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.products                ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.swipe_sessions          ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.swipe_interactions      ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.recommendations         ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.gift_links              ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.newsletter_signups      ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.affiliate_clicks        ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_preferences        ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.session_analytics       ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.product_views           ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.recommendation_feedback ENABLE ROW LEVEL SECURITY;

-- Start from nothing, then grant by name.
REVOKE ALL ON ALL TABLES    IN SCHEMA public FROM PUBLIC, anon, authenticated, service_role;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, anon, authenticated, service_role;

-- service_role: everything (RLS bypassed by attribute).
GRANT ALL ON ALL TABLES    IN SCHEMA public TO service_role;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO service_role;

-- ---------------------------------------------------------------- users / profiles
-- Own row only, keyed by id (= auth.users id). No client DELETE: an account is removed
-- through Auth (auth.users ON DELETE CASCADE). Columns that carry entitlement or
-- verification state (subscription_tier, email_verified, is_active, password_hash) are not
-- client-writable; the project let users UPDATE any column of their own row.
GRANT SELECT ON public.users TO authenticated;
GRANT INSERT (id, email, username, full_name, first_name, last_name, avatar_url, date_of_birth, gender,
              location_country, location_city, preferences, gdpr_consent, gdpr_consent_date)
  ON public.users TO authenticated;
GRANT UPDATE (username, full_name, first_name, last_name, avatar_url, date_of_birth, gender,
              location_country, location_city, preferences, gdpr_consent, gdpr_consent_date, last_login_at)
  ON public.users TO authenticated;

CREATE POLICY users_select_own ON public.users FOR SELECT TO authenticated
  USING ((select auth.uid()) = id);
CREATE POLICY users_insert_own ON public.users FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = id);
CREATE POLICY users_update_own ON public.users FOR UPDATE TO authenticated
  USING ((select auth.uid()) = id) WITH CHECK ((select auth.uid()) = id);

GRANT SELECT ON public.profiles TO authenticated;
GRANT INSERT (id, email, first_name, last_name, avatar_url, gdpr_consent, marketing_consent)
  ON public.profiles TO authenticated;
GRANT UPDATE (first_name, last_name, avatar_url, gdpr_consent, marketing_consent)
  ON public.profiles TO authenticated;

CREATE POLICY profiles_select_own ON public.profiles FOR SELECT TO authenticated
  USING ((select auth.uid()) = id);
CREATE POLICY profiles_insert_own ON public.profiles FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = id);
CREATE POLICY profiles_update_own ON public.profiles FOR UPDATE TO authenticated
  USING ((select auth.uid()) = id) WITH CHECK ((select auth.uid()) = id);

-- ---------------------------------------------------------------- catalogue
-- Readable by anon and authenticated when active; written only by the service.
GRANT SELECT ON public.categories, public.products TO anon, authenticated;

CREATE POLICY categories_select_active ON public.categories FOR SELECT TO anon, authenticated
  USING (is_active = true);
CREATE POLICY products_select_active ON public.products FOR SELECT TO anon, authenticated
  USING (is_active = true);

-- ---------------------------------------------------------------- owner-managed tables
-- swipe_sessions, swipe_interactions, gift_links: the owner reads and writes own rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON public.swipe_sessions, public.swipe_interactions, public.gift_links
  TO authenticated;

CREATE POLICY swipe_sessions_select_own ON public.swipe_sessions FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY swipe_sessions_insert_own ON public.swipe_sessions FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY swipe_sessions_update_own ON public.swipe_sessions FOR UPDATE TO authenticated
  USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY swipe_sessions_delete_own ON public.swipe_sessions FOR DELETE TO authenticated
  USING ((select auth.uid()) = user_id);

CREATE POLICY swipe_interactions_select_own ON public.swipe_interactions FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY swipe_interactions_insert_own ON public.swipe_interactions FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY swipe_interactions_update_own ON public.swipe_interactions FOR UPDATE TO authenticated
  USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY swipe_interactions_delete_own ON public.swipe_interactions FOR DELETE TO authenticated
  USING ((select auth.uid()) = user_id);

-- No anon read of live links (the project's E policy let anon list every live link
-- without knowing its token); public viewing by token goes through the service.
CREATE POLICY gift_links_select_own ON public.gift_links FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY gift_links_insert_own ON public.gift_links FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY gift_links_update_own ON public.gift_links FOR UPDATE TO authenticated
  USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY gift_links_delete_own ON public.gift_links FOR DELETE TO authenticated
  USING ((select auth.uid()) = user_id);

-- ---------------------------------------------------------------- service-written, owner-read
-- recommendations and user_preferences are computed by the service; the project's UPDATE
-- policies let users rewrite their own scores/ML features.
GRANT SELECT ON public.recommendations, public.user_preferences TO authenticated;

CREATE POLICY recommendations_select_own ON public.recommendations FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY user_preferences_select_own ON public.user_preferences FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);

-- recommendation_feedback: the user records and reads own feedback; it is training data,
-- so no client UPDATE/DELETE.
GRANT SELECT, INSERT ON public.recommendation_feedback TO authenticated;

CREATE POLICY recommendation_feedback_select_own ON public.recommendation_feedback FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY recommendation_feedback_insert_own ON public.recommendation_feedback FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = user_id);

-- ---------------------------------------------------------------- analytics
-- affiliate_clicks, session_analytics, product_views: authenticated clients insert and read
-- their own rows. The project also let anon insert and let every client read rows with
-- user_id NULL (IP, user agent, UTM of anonymous visitors); here anonymous rows are written
-- by the service only and readable by no client, and `user_id = uid` (no OR) can use the
-- user_id index.
GRANT SELECT, INSERT ON public.affiliate_clicks, public.session_analytics, public.product_views TO authenticated;

CREATE POLICY affiliate_clicks_select_own ON public.affiliate_clicks FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY affiliate_clicks_insert_own ON public.affiliate_clicks FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = user_id);

CREATE POLICY session_analytics_select_own ON public.session_analytics FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY session_analytics_insert_own ON public.session_analytics FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = user_id);

CREATE POLICY product_views_select_own ON public.product_views FOR SELECT TO authenticated
  USING ((select auth.uid()) = user_id);
CREATE POLICY product_views_insert_own ON public.product_views FOR INSERT TO authenticated
  WITH CHECK ((select auth.uid()) = user_id);

-- ---------------------------------------------------------------- newsletter_signups
-- E-mail addresses of non-users: service only. RLS is on with no policy for any client
-- role, and no client grant; the project's per-row auth.role() = 'service_role' policy
-- was both redundant (BYPASSRLS) and slow (lint 0003).
COMMENT ON TABLE public.newsletter_signups IS
  'Service-only: RLS enabled, no client policies or grants; service_role bypasses RLS.';

-- One explicit policy so the table is not "RLS on, zero policies" (lint 0008) and so a
-- future permissive policy or stray grant still cannot open it: RESTRICTIVE false is ANDed
-- with anything added later.
CREATE POLICY newsletter_signups_no_client_access ON public.newsletter_signups
  AS RESTRICTIVE FOR ALL TO anon, authenticated
  USING (false) WITH CHECK (false);
