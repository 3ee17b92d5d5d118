-- Aclue's core tables as database/schema.sql (S), add_password_field.sql (PW),
-- create_profiles_table.sql (P) and the newsletter scripts (N) define them.
-- Departures (docs/schema-departures.md): ids default to gen_random_uuid() (core, no
-- uuid-ossp on the search path); public.users.id is the auth.users id (FK, CASCADE) so the
-- legacy user_id FKs reach auth.users; the duplicate e-mail/token indexes are not created.
-- Indexes, triggers, RLS and grants are in later files.

CREATE TABLE public.users (
  -- No default: a public.users row exists only for an auth.users account (defect 7/§1.0).
  id                 uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  email              varchar(255) NOT NULL UNIQUE,
  username           varchar(50) UNIQUE,
  full_name          varchar(255),
  avatar_url         text,
  date_of_birth      date,
  gender             varchar(20),
  location_country   varchar(100),
  location_city      varchar(100),
  subscription_tier  varchar(20) DEFAULT 'free'
                     CHECK (subscription_tier IN ('free', 'premium', 'enterprise')),
  preferences        jsonb DEFAULT '{}',
  created_at         timestamptz DEFAULT now(),
  updated_at         timestamptz DEFAULT now(),
  last_login_at      timestamptz,
  is_active          boolean DEFAULT true,
  email_verified     boolean DEFAULT false,
  gdpr_consent       boolean DEFAULT false,
  gdpr_consent_date  timestamptz,
  -- PW additions
  password_hash      text,
  first_name         varchar(100),
  last_name          varchar(100)
);

CREATE TABLE public.profiles (
  id                 uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  email              text NOT NULL UNIQUE,
  first_name         text NOT NULL,
  last_name          text NOT NULL,
  full_name          text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED,
  subscription_tier  text DEFAULT 'free' CHECK (subscription_tier IN ('free', 'premium', 'enterprise')),
  gdpr_consent       boolean DEFAULT false,
  marketing_consent  boolean DEFAULT false,
  email_verified     boolean DEFAULT false,
  avatar_url         text,
  created_at         timestamptz DEFAULT now(),
  updated_at         timestamptz DEFAULT now()
);

CREATE TABLE public.categories (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         varchar(100) NOT NULL,
  slug         varchar(100) NOT NULL UNIQUE,
  description  text,
  icon_url     text,
  parent_id    uuid REFERENCES public.categories (id),
  sort_order   integer DEFAULT 0,
  is_active    boolean DEFAULT true,
  created_at   timestamptz DEFAULT now()
);

CREATE TABLE public.products (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title                varchar(255) NOT NULL,
  description          text,
  price_min            numeric(10,2),
  price_max            numeric(10,2),
  currency             varchar(3) DEFAULT 'USD',
  brand                varchar(100),
  image_url            text,
  affiliate_url        text,
  affiliate_network    varchar(50),
  commission_rate      numeric(5,4),
  category_id          uuid REFERENCES public.categories (id),
  tags                 text[],
  features             jsonb DEFAULT '{}',
  rating               numeric(3,2),
  review_count         integer DEFAULT 0,
  availability_status  varchar(20) DEFAULT 'available',
  created_at           timestamptz DEFAULT now(),
  updated_at           timestamptz DEFAULT now(),
  is_active            boolean DEFAULT true
);

-- No updated_at here, as in S.
CREATE TABLE public.swipe_sessions (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id                 uuid REFERENCES public.users (id) ON DELETE CASCADE,
  session_type            varchar(50) DEFAULT 'discovery',
  occasion                varchar(100),
  budget_min              numeric(10,2),
  budget_max              numeric(10,2),
  recipient_age_range     varchar(20),
  recipient_gender        varchar(20),
  recipient_relationship  varchar(50),
  started_at              timestamptz DEFAULT now(),
  completed_at            timestamptz,
  total_swipes            integer DEFAULT 0,
  preferences_data        jsonb DEFAULT '{}',
  is_completed            boolean DEFAULT false
);

CREATE TABLE public.swipe_interactions (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id           uuid REFERENCES public.swipe_sessions (id) ON DELETE CASCADE,
  user_id              uuid REFERENCES public.users (id) ON DELETE CASCADE,
  product_id           uuid REFERENCES public.products (id),
  category_id          uuid REFERENCES public.categories (id),
  -- up/down kept: the service stores like/dislike/super_like as right/left/up.
  swipe_direction      varchar(10) NOT NULL CHECK (swipe_direction IN ('left', 'right', 'up', 'down')),
  swipe_timestamp      timestamptz DEFAULT now(),
  time_spent_seconds   integer,
  interaction_context  jsonb DEFAULT '{}',
  preference_strength  numeric(3,2) DEFAULT 0.5
);

CREATE TABLE public.recommendations (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            uuid REFERENCES public.users (id) ON DELETE CASCADE,
  product_id         uuid REFERENCES public.products (id),
  session_id         uuid REFERENCES public.swipe_sessions (id),
  confidence_score   numeric(5,4) NOT NULL,
  algorithm_version  varchar(20),
  reasoning          text,
  rank_position      integer,
  created_at         timestamptz DEFAULT now(),
  expires_at         timestamptz,
  is_clicked         boolean DEFAULT false,
  clicked_at         timestamptz,
  is_purchased       boolean DEFAULT false,
  purchased_at       timestamptz
);

CREATE TABLE public.gift_links (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid REFERENCES public.users (id) ON DELETE CASCADE,
  session_id      uuid REFERENCES public.swipe_sessions (id),
  link_token      varchar(100) NOT NULL UNIQUE,
  qr_code_url     text,
  title           varchar(255),
  message         text,
  recipient_name  varchar(255),
  occasion        varchar(100),
  expires_at      timestamptz,
  created_at      timestamptz DEFAULT now(),
  is_active       boolean DEFAULT true,
  view_count      integer DEFAULT 0,
  share_count     integer DEFAULT 0
);

CREATE TABLE public.newsletter_signups (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email                    varchar(255) NOT NULL CONSTRAINT unique_newsletter_email UNIQUE,
  source                   varchar(50) DEFAULT 'maintenance_page',
  user_agent               text,
  ip_address               inet,
  signup_timestamp         timestamptz DEFAULT now(),
  email_sent               boolean DEFAULT false,
  welcome_email_sent       boolean DEFAULT false,
  admin_notification_sent  boolean DEFAULT false,
  is_active                boolean DEFAULT true,
  unsubscribed_at          timestamptz,
  created_at               timestamptz DEFAULT now(),
  updated_at               timestamptz DEFAULT now()
);

-- Seed categories (S): the ten slugs the product catalogue refers to.
INSERT INTO public.categories (name, slug, description, sort_order) VALUES
  ('Electronics', 'electronics', 'Gadgets, devices, and tech accessories', 1),
  ('Fashion', 'fashion', 'Clothing, shoes, and accessories', 2),
  ('Home & Garden', 'home-garden', 'Home decor, furniture, and garden items', 3),
  ('Books & Media', 'books-media', 'Books, movies, music, and games', 4),
  ('Health & Beauty', 'health-beauty', 'Skincare, makeup, and wellness products', 5),
  ('Sports & Outdoors', 'sports-outdoors', 'Fitness equipment and outdoor gear', 6),
  ('Food & Drink', 'food-drink', 'Gourmet foods, beverages, and kitchen items', 7),
  ('Toys & Games', 'toys-games', 'Toys, board games, and educational items', 8),
  ('Art & Crafts', 'art-crafts', 'Art supplies, handmade items, and DIY kits', 9),
  ('Experience Gifts', 'experiences', 'Classes, events, and memorable experiences', 10)
ON CONFLICT (slug) DO NOTHING;
