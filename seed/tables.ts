/**
 * The tables the seed writes: one row type per table, its columns in COPY order and how each value
 * is encoded.
 *
 * One description serves both writers: binary COPY (seed/copy/binary.ts) and the Data API
 * fallback (JSON). Values in rows are already in wire-friendly form: ids as 16-byte Uuid, times as
 * epoch milliseconds, numerics as integer units of 10^-scale, jsonb as JSON text. Columns left out
 * take the table's default (e.g. `interaction_context '{}'`), which costs the server nothing to parse.
 *
 * Must know: a table's columns are declared as an object keyed by its row type (`table<Row>(name,
 * { column: type, … })`, in COPY order), so a column the row type lacks, a row field the table does
 * not declare, or a column type that cannot hold the field's value is a compile error; and a row
 * built for a table (`Sink.row('swipeSessions', {…})`) must have exactly that table's fields.
 * Row types are object type aliases, not interfaces, because only an alias is assignable to
 * `Record<string, unknown>` (the Data API writer's JSON rows, bench/seed.ts's table list).
 */
import type { ConversionClass, DeviceType, FeedbackAction } from '../model/behaviour.ts';
import type { BinaryCopyEncoder } from './copy/binary.ts';
import { type Uuid, uuidText } from './uuid.ts';

export type ColumnType =
  | 'uuid'
  | 'text'
  | 'int4'
  | 'bool'
  | 'timestamptz'
  | 'jsonb'
  | 'text[]'
  | 'float8'
  | { numeric: number };

/** Milliseconds since 1970-01-01 UTC (a `timestamptz` column). */
export type EpochMs = number;
/**
 * An integer count of 10^-scale units of a `numeric` column, the scale being the column's
 * (`{ numeric: 2 }`: hundredths, e.g. cents or 0.95 written as 95).
 */
export type Units = number;
/** JSON text (a `jsonb` column). */
export type JsonText = string;

/** The column types a row value of type V can be written as (NULL fits any of them; `unknown` any type). */
type ColumnTypeOf<V> = unknown extends V
  ? ColumnType
  : [V] extends [Uuid | null]
    ? 'uuid'
    : [V] extends [string | null]
      ? 'text' | 'jsonb'
      : [V] extends [number | null]
        ? 'int4' | 'timestamptz' | 'float8' | { numeric: number }
        : [V] extends [boolean | null]
          ? 'bool'
          : [V] extends [readonly string[] | null]
            ? 'text[]'
            : never;

/** A table's columns in COPY order, keyed by its row type: every field once, each with a type that holds it. */
export type Columns<R> = { readonly [K in keyof R]-?: ColumnTypeOf<R[K]> };

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableSpec<R = Record<string, unknown>> {
  /** Schema-qualified name. */
  readonly name: string;
  /** In COPY order; declared as `Columns<R>`, so they are exactly R's fields. */
  readonly columns: readonly Column[];
  /**
   * Type only, never set: the row type the table takes (what `encodeRow` and `Sink.row` check
   * rows against). A plain property keeps `TableSpec<SomeRow>` usable where any table will do
   * (`TableSpec`, e.g. seed/copy/copy.ts).
   */
  readonly row?: R;
}

function table<R extends object>(name: string, columns: Columns<R>): TableSpec<R> {
  return { name, columns: Object.entries<ColumnType>(columns).map(([n, type]) => ({ name: n, type })) };
}

const num = (scale: number) => ({ numeric: scale });

/** Encodes one row of the table in binary COPY form (the row's type is the table's: `NoInfer`). */
export function encodeRow<R>(enc: BinaryCopyEncoder, spec: TableSpec<R>, row: NoInfer<R>): void {
  const cols = spec.columns;
  enc.row(cols.length);
  for (let i = 0; i < cols.length; i++) {
    const col = cols[i]!;
    const v: unknown = row[col.name as keyof R];
    switch (col.type) {
      case 'uuid':
        enc.uuid(v as Uuid | null | undefined);
        break;
      case 'text':
        enc.text(v as string | null | undefined);
        break;
      case 'int4':
        enc.int4(v as number | null | undefined);
        break;
      case 'bool':
        enc.bool(v as boolean | null | undefined);
        break;
      case 'timestamptz':
        enc.timestamptz(v as number | null | undefined);
        break;
      case 'jsonb':
        enc.jsonb(v as string | null | undefined);
        break;
      case 'text[]':
        enc.textArray(v as string[] | null | undefined);
        break;
      case 'float8':
        enc.float8(v as number | null | undefined);
        break;
      default:
        enc.numeric(v as number | null | undefined, col.type.numeric);
    }
  }
}

/** The same row as a Data API (PostgREST) JSON object. */
export function jsonRow<R>(spec: TableSpec<R>, row: R): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const col of spec.columns) {
    const v: unknown = row[col.name as keyof R];
    if (v === null || v === undefined) {
      out[col.name] = null;
      continue;
    }
    switch (col.type) {
      case 'uuid':
        out[col.name] = uuidText(v as Uuid);
        break;
      case 'timestamptz':
        out[col.name] = new Date(v as number).toISOString();
        break;
      case 'jsonb':
        out[col.name] = JSON.parse(v as string);
        break;
      case 'text':
      case 'int4':
      case 'bool':
      case 'float8':
      case 'text[]':
        out[col.name] = v;
        break;
      default:
        out[col.name] = ((v as number) / 10 ** col.type.numeric).toFixed(col.type.numeric);
    }
  }
  return out;
}

// The schema's CHECK value sets (db/migrations/0010_core_tables.sql, 0011_deployment_tables.sql) for
// the columns the seed fills; the model's own (device, feedback action, conversion class) live in
// model/behaviour.ts.
export type SubscriptionTier = 'free' | 'premium' | 'enterprise';
export type SwipeDirection = 'left' | 'right' | 'up' | 'down';
export type ViewSource = 'swipe' | 'recommendations' | 'search' | 'category' | 'direct' | 'related' | 'trending';
export type InteractionType = 'impression' | 'click' | 'detail_view' | 'add_to_wishlist' | 'share' | 'save';
export type FeedbackType = 'explicit' | 'implicit';
export type FeedbackSource = 'recommendation_list' | 'email' | 'push_notification' | 'in_app' | 'web_app';

// ---------------------------------------------------------------------------------------------
// public tables

export type ProductRow = {
  readonly id: Uuid;
  readonly title: string;
  readonly description: string;
  /** Cents. */
  readonly price_min: Units;
  /** Cents. */
  readonly price_max: Units;
  readonly currency: string;
  readonly brand: string;
  readonly image_url: string;
  readonly affiliate_url: string;
  readonly affiliate_network: string;
  /** 10^-4 (750 = 7.5 %). */
  readonly commission_rate: Units;
  readonly category_id: Uuid;
  readonly tags: readonly string[];
  /** Hundredths of a star. */
  readonly rating: Units;
  readonly review_count: number;
  readonly availability_status: string;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
  readonly is_active: boolean;
};

const products = table<ProductRow>('public.products', {
  id: 'uuid',
  title: 'text',
  description: 'text',
  price_min: num(2),
  price_max: num(2),
  currency: 'text',
  brand: 'text',
  image_url: 'text',
  affiliate_url: 'text',
  affiliate_network: 'text',
  commission_rate: num(4),
  category_id: 'uuid',
  tags: 'text[]',
  rating: num(2),
  review_count: 'int4',
  availability_status: 'text',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  is_active: 'bool',
});

export type UserRow = {
  readonly id: Uuid;
  readonly email: string;
  readonly username: string;
  readonly full_name: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly location_country: string;
  readonly location_city: string;
  readonly subscription_tier: SubscriptionTier;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
  readonly last_login_at: EpochMs | null;
  readonly is_active: boolean;
  readonly email_verified: boolean;
  readonly gdpr_consent: boolean;
  readonly gdpr_consent_date: EpochMs;
};

const users = table<UserRow>('public.users', {
  id: 'uuid',
  email: 'text',
  username: 'text',
  full_name: 'text',
  first_name: 'text',
  last_name: 'text',
  location_country: 'text',
  location_city: 'text',
  subscription_tier: 'text',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  last_login_at: 'timestamptz',
  is_active: 'bool',
  email_verified: 'bool',
  gdpr_consent: 'bool',
  gdpr_consent_date: 'timestamptz',
});

export type ProfileRow = {
  readonly id: Uuid;
  readonly email: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly subscription_tier: SubscriptionTier;
  readonly gdpr_consent: boolean;
  readonly marketing_consent: boolean;
  readonly email_verified: boolean;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
};

const profiles = table<ProfileRow>('public.profiles', {
  id: 'uuid',
  email: 'text',
  first_name: 'text',
  last_name: 'text',
  subscription_tier: 'text',
  gdpr_consent: 'bool',
  marketing_consent: 'bool',
  email_verified: 'bool',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
});

export type SwipeSessionRow = {
  readonly id: Uuid;
  readonly user_id: Uuid;
  readonly session_type: string;
  readonly occasion: string;
  /** Cents. */
  readonly budget_min: Units;
  /** Cents. */
  readonly budget_max: Units;
  readonly started_at: EpochMs;
  /** NULL for a session left before its recommendations. */
  readonly completed_at: EpochMs | null;
  readonly total_swipes: number;
  readonly is_completed: boolean;
};

const swipeSessions = table<SwipeSessionRow>('public.swipe_sessions', {
  id: 'uuid',
  user_id: 'uuid',
  session_type: 'text',
  occasion: 'text',
  budget_min: num(2),
  budget_max: num(2),
  started_at: 'timestamptz',
  completed_at: 'timestamptz',
  total_swipes: 'int4',
  is_completed: 'bool',
});

export type SwipeInteractionRow = {
  readonly id: Uuid;
  readonly session_id: Uuid;
  readonly user_id: Uuid;
  readonly product_id: Uuid;
  readonly category_id: Uuid;
  readonly swipe_direction: SwipeDirection;
  readonly swipe_timestamp: EpochMs;
  readonly time_spent_seconds: number;
  /** Hundredths (95 = 0.95). */
  readonly preference_strength: Units;
};

const swipeInteractions = table<SwipeInteractionRow>('public.swipe_interactions', {
  id: 'uuid',
  session_id: 'uuid',
  user_id: 'uuid',
  product_id: 'uuid',
  category_id: 'uuid',
  swipe_direction: 'text',
  swipe_timestamp: 'timestamptz',
  time_spent_seconds: 'int4',
  preference_strength: num(2),
});

export type RecommendationRow = {
  readonly id: Uuid;
  readonly user_id: Uuid;
  readonly product_id: Uuid;
  readonly session_id: Uuid;
  /** 10^-4 (9500 = 0.95). */
  readonly confidence_score: Units;
  readonly algorithm_version: string;
  readonly rank_position: number;
  readonly created_at: EpochMs;
  readonly expires_at: EpochMs;
  readonly is_clicked: boolean;
  readonly clicked_at: EpochMs | null;
};

const recommendations = table<RecommendationRow>('public.recommendations', {
  id: 'uuid',
  user_id: 'uuid',
  product_id: 'uuid',
  session_id: 'uuid',
  confidence_score: num(4),
  algorithm_version: 'text',
  rank_position: 'int4',
  created_at: 'timestamptz',
  expires_at: 'timestamptz',
  is_clicked: 'bool',
  clicked_at: 'timestamptz',
});

export type ProductViewRow = {
  readonly id: Uuid;
  readonly product_id: Uuid;
  readonly user_id: Uuid;
  /** The swipe session's id as text (the column is text). */
  readonly session_id: string;
  readonly view_timestamp: EpochMs;
  readonly view_source: ViewSource;
  readonly view_position: number;
  readonly view_duration_seconds: number;
  readonly interaction_type: InteractionType;
  readonly has_clicked_affiliate: boolean;
  readonly device_type: DeviceType;
  readonly created_at: EpochMs;
};

const productViews = table<ProductViewRow>('public.product_views', {
  id: 'uuid',
  product_id: 'uuid',
  user_id: 'uuid',
  session_id: 'text',
  view_timestamp: 'timestamptz',
  view_source: 'text',
  view_position: 'int4',
  view_duration_seconds: 'int4',
  interaction_type: 'text',
  has_clicked_affiliate: 'bool',
  device_type: 'text',
  created_at: 'timestamptz',
});

export type RecommendationFeedbackRow = {
  readonly id: Uuid;
  readonly recommendation_id: Uuid;
  readonly user_id: Uuid;
  readonly product_id: Uuid;
  readonly feedback_type: FeedbackType;
  readonly feedback_action: FeedbackAction;
  /** Hundredths, -100…100. */
  readonly feedback_value: Units;
  readonly feedback_source: FeedbackSource;
  /** The swipe session's id as text. */
  readonly session_id: string;
  readonly position_in_list: number;
  readonly model_version: string;
  /** Hundredths. */
  readonly original_confidence_score: Units;
  readonly dwell_time_seconds: number;
  readonly created_at: EpochMs;
};

const recommendationFeedback = table<RecommendationFeedbackRow>('public.recommendation_feedback', {
  id: 'uuid',
  recommendation_id: 'uuid',
  user_id: 'uuid',
  product_id: 'uuid',
  feedback_type: 'text',
  feedback_action: 'text',
  feedback_value: num(2),
  feedback_source: 'text',
  session_id: 'text',
  position_in_list: 'int4',
  model_version: 'text',
  original_confidence_score: num(2),
  dwell_time_seconds: 'int4',
  created_at: 'timestamptz',
});

export type AffiliateClickRow = {
  readonly id: Uuid;
  readonly user_id: Uuid;
  readonly product_id: Uuid;
  /** The swipe session's id as text. */
  readonly session_id: string;
  readonly click_timestamp: EpochMs;
  readonly source_page: string;
  readonly device_type: DeviceType;
  readonly affiliate_network: string;
  readonly affiliate_url: string;
  /** 10^-4. */
  readonly commission_rate: Units;
  /** Cents. */
  readonly expected_commission: Units;
  readonly is_converted: boolean;
  readonly conversion_timestamp: EpochMs | null;
  /** Cents. */
  readonly actual_commission: Units | null;
  readonly order_id: string | null;
  readonly utm_source: string;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
};

const affiliateClicks = table<AffiliateClickRow>('public.affiliate_clicks', {
  id: 'uuid',
  user_id: 'uuid',
  product_id: 'uuid',
  session_id: 'text',
  click_timestamp: 'timestamptz',
  source_page: 'text',
  device_type: 'text',
  affiliate_network: 'text',
  affiliate_url: 'text',
  commission_rate: num(4),
  expected_commission: num(2),
  is_converted: 'bool',
  conversion_timestamp: 'timestamptz',
  actual_commission: num(2),
  order_id: 'text',
  utm_source: 'text',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
});

export type SessionAnalyticsRow = {
  readonly id: Uuid;
  /** The swipe session's id as text. */
  readonly session_id: string;
  readonly user_id: Uuid;
  readonly started_at: EpochMs;
  readonly ended_at: EpochMs;
  readonly duration_seconds: number;
  readonly last_activity_at: EpochMs;
  readonly landing_page: string;
  readonly exit_page: string;
  readonly pages_viewed: number;
  readonly total_clicks: number;
  readonly total_swipes: number;
  readonly products_viewed: number;
  readonly recommendations_viewed: number;
  readonly affiliate_clicks: number;
  readonly has_converted: boolean;
  readonly conversion_timestamp: EpochMs | null;
  /** Cents. */
  readonly conversion_value: Units | null;
  readonly device_type: DeviceType;
  readonly browser: string;
  readonly operating_system: string;
  readonly is_bounce: boolean;
  readonly is_active: boolean;
  /** Hundredths, 0…100. */
  readonly engagement_score: Units;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
};

const sessionAnalytics = table<SessionAnalyticsRow>('public.session_analytics', {
  id: 'uuid',
  session_id: 'text',
  user_id: 'uuid',
  started_at: 'timestamptz',
  ended_at: 'timestamptz',
  duration_seconds: 'int4',
  last_activity_at: 'timestamptz',
  landing_page: 'text',
  exit_page: 'text',
  pages_viewed: 'int4',
  total_clicks: 'int4',
  total_swipes: 'int4',
  products_viewed: 'int4',
  recommendations_viewed: 'int4',
  affiliate_clicks: 'int4',
  has_converted: 'bool',
  conversion_timestamp: 'timestamptz',
  conversion_value: num(2),
  device_type: 'text',
  browser: 'text',
  operating_system: 'text',
  is_bounce: 'bool',
  is_active: 'bool',
  engagement_score: num(2),
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
});

/** The row type of each public table, by key. */
export type PublicRows = {
  readonly products: ProductRow;
  readonly users: UserRow;
  readonly profiles: ProfileRow;
  readonly swipeSessions: SwipeSessionRow;
  readonly swipeInteractions: SwipeInteractionRow;
  readonly recommendations: RecommendationRow;
  readonly productViews: ProductViewRow;
  readonly recommendationFeedback: RecommendationFeedbackRow;
  readonly affiliateClicks: AffiliateClickRow;
  readonly sessionAnalytics: SessionAnalyticsRow;
};
export type PublicTableKey = keyof PublicRows;

export const publicTables: { readonly [K in PublicTableKey]: TableSpec<PublicRows[K]> } = {
  products,
  users,
  profiles,
  swipeSessions,
  swipeInteractions,
  recommendations,
  productViews,
  recommendationFeedback,
  affiliateClicks,
  sessionAnalytics,
};

/** The public tables a seed run writes, qualified (`public.users`), as publicTables lists them. */
export const seededPublicTables: readonly string[] = Object.values(publicTables).map((t) => t.name);

// ---------------------------------------------------------------------------------------------
// auth.users

/**
 * auth.users rows written in bulk (seed/auth.ts `SqlAuth`): the columns GoTrue fills for a confirmed
 * e-mail account. The token columns are written as '' because GoTrue cannot read NULL there, and a
 * Supabase project's auth.users has no '' default for them.
 */
export type AuthUserRow = {
  readonly instance_id: Uuid;
  readonly id: Uuid;
  readonly aud: string;
  readonly role: string;
  readonly email: string;
  readonly encrypted_password: string;
  readonly email_confirmed_at: EpochMs;
  readonly confirmation_token: string;
  readonly recovery_token: string;
  readonly email_change_token_new: string;
  readonly email_change_token_current: string;
  readonly email_change: string;
  readonly phone_change: string;
  readonly phone_change_token: string;
  readonly reauthentication_token: string;
  readonly raw_app_meta_data: JsonText;
  readonly raw_user_meta_data: JsonText;
  readonly created_at: EpochMs;
  readonly updated_at: EpochMs;
  readonly is_sso_user: boolean;
  readonly is_anonymous: boolean;
};

export const authUsersTable = table<AuthUserRow>('auth.users', {
  instance_id: 'uuid',
  id: 'uuid',
  aud: 'text',
  role: 'text',
  email: 'text',
  encrypted_password: 'text',
  email_confirmed_at: 'timestamptz',
  confirmation_token: 'text',
  recovery_token: 'text',
  email_change_token_new: 'text',
  email_change_token_current: 'text',
  email_change: 'text',
  phone_change: 'text',
  phone_change_token: 'text',
  reauthentication_token: 'text',
  raw_app_meta_data: 'jsonb',
  raw_user_meta_data: 'jsonb',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  is_sso_user: 'bool',
  is_anonymous: 'bool',
});

// ---------------------------------------------------------------------------------------------
// kit_truth tables (db/migrations/0040_seed_truth.sql): what the seed planted, for verify

export type TruthUserRow = {
  readonly run_id: string;
  readonly user_id: Uuid;
  readonly user_index: number;
  readonly email: string;
  readonly archetype: string;
  /** `{ "<category slug>": "love" | "neutral" | "dislike", … }` */
  readonly tiers: JsonText;
  /** Thousandths (1000 = a factor of 1). */
  readonly liberal_factor: Units;
  readonly swipe_count: number;
  readonly like_count: number;
};

export type TruthProductRow = {
  readonly run_id: string;
  readonly product_id: Uuid;
  readonly product_index: number;
  readonly category_slug: string;
  /** 1 = most popular. */
  readonly popularity_rank: number;
  readonly popularity_weight: number;
};

export type TruthClickRow = {
  readonly run_id: string;
  readonly click_id: Uuid;
  readonly user_id: Uuid;
  readonly product_id: Uuid;
  /** The swipe session (a uuid here; text in affiliate_clicks). */
  readonly session_id: Uuid;
  readonly clicked_at: EpochMs;
  /** The click a planted double tap repeats; NULL for an original click. */
  readonly duplicate_of: Uuid | null;
};

export type TruthConversionRow = {
  readonly run_id: string;
  readonly conversion_id: Uuid;
  readonly order_id: string;
  /** NULL for an orphan (its click id was never issued). */
  readonly expected_click_id: Uuid | null;
  /** The click id as the postback carries it (text). */
  readonly click_ref: string;
  readonly expected_class: ConversionClass;
  /** Cents. */
  readonly amount: Units;
  /** Cents. */
  readonly commission: Units;
  readonly converted_at: EpochMs;
  readonly recorded_on_click: boolean;
};

/** The row type of each kit_truth table, by key. */
export type TruthRows = {
  readonly users: TruthUserRow;
  readonly products: TruthProductRow;
  readonly clicks: TruthClickRow;
  readonly conversions: TruthConversionRow;
};
export type TruthTableKey = keyof TruthRows;

export const truthTables: { readonly [K in TruthTableKey]: TableSpec<TruthRows[K]> } = {
  users: table<TruthUserRow>('kit_truth.users', {
    run_id: 'text',
    user_id: 'uuid',
    user_index: 'int4',
    email: 'text',
    archetype: 'text',
    tiers: 'jsonb',
    liberal_factor: num(3),
    swipe_count: 'int4',
    like_count: 'int4',
  }),
  products: table<TruthProductRow>('kit_truth.products', {
    run_id: 'text',
    product_id: 'uuid',
    product_index: 'int4',
    category_slug: 'text',
    popularity_rank: 'int4',
    popularity_weight: 'float8',
  }),
  clicks: table<TruthClickRow>('kit_truth.clicks', {
    run_id: 'text',
    click_id: 'uuid',
    user_id: 'uuid',
    product_id: 'uuid',
    session_id: 'uuid',
    clicked_at: 'timestamptz',
    duplicate_of: 'uuid',
  }),
  conversions: table<TruthConversionRow>('kit_truth.conversions', {
    run_id: 'text',
    conversion_id: 'uuid',
    order_id: 'text',
    expected_click_id: 'uuid',
    click_ref: 'text',
    expected_class: 'text',
    amount: num(2),
    commission: num(2),
    converted_at: 'timestamptz',
    recorded_on_click: 'bool',
  }),
};

/** FK order of the public tables per batch (parents first). */
export const publicOrder = [
  'users',
  'profiles',
  'swipeSessions',
  'swipeInteractions',
  'recommendations',
  'productViews',
  'recommendationFeedback',
  'affiliateClicks',
  'sessionAnalytics',
] as const satisfies readonly PublicTableKey[];

/** A public row with its table, as a Sink receives it: the row's type follows the table. */
export type PublicRowArgs = { [K in PublicTableKey]: [table: K, row: PublicRows[K]] }[PublicTableKey];
/** A truth row with its table. */
export type TruthRowArgs = { [K in TruthTableKey]: [table: K, row: TruthRows[K]] }[TruthTableKey];
