-- updated_at and name-field triggers. The project's versions had a mutable search_path
-- (lint 0011) or were SECURITY DEFINER for no reason; these are invoker functions with an
-- empty search_path, so every name inside is schema-qualified (now() is in pg_catalog,
-- which is always searched).

CREATE OR REPLACE FUNCTION public.update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END;
$$;

-- F's rewrite always overwrote full_name (to '' when first/last are absent); keep a given
-- full_name unless a first or last name is supplied.
CREATE OR REPLACE FUNCTION public.update_name_fields() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  IF NEW.first_name IS NOT NULL OR NEW.last_name IS NOT NULL THEN
    NEW.full_name := pg_catalog.btrim(pg_catalog.concat_ws(' ', NEW.first_name, NEW.last_name));
  END IF;
  RETURN NEW;
END;
$$;

-- Trigger functions are never called by API roles (firing does not check EXECUTE).
REVOKE EXECUTE ON FUNCTION public.update_updated_at_column(), public.update_name_fields()
  FROM PUBLIC, anon, authenticated, service_role;

CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON public.users
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_user_name_fields BEFORE INSERT OR UPDATE ON public.users
  FOR EACH ROW EXECUTE FUNCTION public.update_name_fields();
CREATE TRIGGER update_profiles_updated_at BEFORE UPDATE ON public.profiles
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_products_updated_at BEFORE UPDATE ON public.products
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_newsletter_signups_updated_at BEFORE UPDATE ON public.newsletter_signups
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_affiliate_clicks_updated_at BEFORE UPDATE ON public.affiliate_clicks
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_user_preferences_updated_at BEFORE UPDATE ON public.user_preferences
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
CREATE TRIGGER update_session_analytics_updated_at BEFORE UPDATE ON public.session_analytics
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
