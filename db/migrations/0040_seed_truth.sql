-- The seed's planted truth (issue 4). Read by the kit as postgres only: the schema grants nothing
-- to the API roles (0022), and nothing here grants anything. Every table is keyed by run_id so a
-- run can be listed and cleaned on its own. Columns are documented in docs/seed.md.
--
-- runs:        one row per seed run; status 'running' until the last batch commits, so an
--              interrupted run stays visibly incomplete and `--clean` can remove it.
-- users:       each seeded user with its planted archetype and per-category tier; written before
--              the user's Auth account and rows, so it is also the run's ownership list of users.
-- products:    the run's products with their planted popularity rank (Zipf) and category.
-- categories:  categories the run had to create (normally none: the schema seeds the ten slugs).
-- clicks:      every affiliate click the run wrote, with duplicate_of set on planted duplicates.
-- conversions: every planted conversion and postback with its expected click and class.

CREATE TABLE kit_truth.runs (
  run_id       text PRIMARY KEY,
  seed         text NOT NULL,
  params       jsonb NOT NULL,
  versions     jsonb NOT NULL,
  target       text NOT NULL,
  status       text NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  timings      jsonb NOT NULL DEFAULT '{}',
  row_counts   jsonb NOT NULL DEFAULT '{}',
  error        text
);

CREATE TABLE kit_truth.users (
  run_id          text NOT NULL REFERENCES kit_truth.runs (run_id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  user_index      integer NOT NULL,
  email           text NOT NULL,
  archetype       text NOT NULL,
  tiers           jsonb NOT NULL,
  liberal_factor  numeric(4,3) NOT NULL,
  swipe_count     integer NOT NULL,
  like_count      integer NOT NULL,
  PRIMARY KEY (run_id, user_id)
);
CREATE INDEX kit_truth_users_user_idx ON kit_truth.users (user_id);

CREATE TABLE kit_truth.products (
  run_id             text NOT NULL REFERENCES kit_truth.runs (run_id) ON DELETE CASCADE,
  product_id         uuid NOT NULL,
  product_index      integer NOT NULL,
  category_slug      text NOT NULL,
  popularity_rank    integer NOT NULL,
  popularity_weight  double precision NOT NULL,
  PRIMARY KEY (run_id, product_id)
);

CREATE TABLE kit_truth.categories (
  run_id       text NOT NULL REFERENCES kit_truth.runs (run_id) ON DELETE CASCADE,
  category_id  uuid NOT NULL,
  slug         text NOT NULL,
  PRIMARY KEY (run_id, category_id)
);

CREATE TABLE kit_truth.clicks (
  run_id        text NOT NULL REFERENCES kit_truth.runs (run_id) ON DELETE CASCADE,
  click_id      uuid NOT NULL,
  user_id       uuid NOT NULL,
  product_id    uuid NOT NULL,
  session_id    uuid NOT NULL,
  clicked_at    timestamptz NOT NULL,
  duplicate_of  uuid,
  PRIMARY KEY (run_id, click_id)
);

CREATE TABLE kit_truth.conversions (
  run_id             text NOT NULL REFERENCES kit_truth.runs (run_id) ON DELETE CASCADE,
  conversion_id      uuid NOT NULL,
  order_id           text NOT NULL,
  expected_click_id  uuid,
  click_ref          text NOT NULL,
  expected_class     text NOT NULL CHECK (expected_class IN ('attributed', 'duplicate', 'late', 'orphan', 'reversed')),
  amount             numeric(10,2) NOT NULL,
  commission         numeric(10,2) NOT NULL,
  converted_at       timestamptz NOT NULL,
  recorded_on_click  boolean NOT NULL,
  PRIMARY KEY (run_id, conversion_id)
);
CREATE INDEX kit_truth_conversions_order_idx ON kit_truth.conversions (run_id, order_id);
