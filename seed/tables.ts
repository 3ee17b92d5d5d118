/**
 * The tables the seed writes, their columns in COPY order and how each value is encoded.
 *
 * One description serves both writers: binary COPY (seed/copy/binary.ts) and the Data API
 * fallback (JSON). Values in rows are already in wire-friendly form: ids as 16-byte Uuid, times as
 * epoch milliseconds, numerics as integer units of 10^-scale, jsonb as JSON text. Columns left out
 * take the table's default (e.g. `interaction_context '{}'`), which costs the server nothing to parse.
 */
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

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableSpec<R> {
  /** Schema-qualified name. */
  readonly name: string;
  readonly columns: readonly Column[];
  readonly values: (row: R) => readonly unknown[];
}

type Row = Record<string, unknown>;

function spec(name: string, columns: readonly [string, ColumnType][]): TableSpec<Row> {
  const cols = columns.map(([n, type]) => ({ name: n, type }));
  return { name, columns: cols, values: (row) => cols.map((c) => row[c.name]) };
}

/** Encodes one row in binary COPY form. */
export function encodeRow(enc: BinaryCopyEncoder, table: TableSpec<Row>, row: Row): void {
  const cols = table.columns;
  enc.row(cols.length);
  for (let i = 0; i < cols.length; i++) {
    const col = cols[i] as Column;
    const v = row[col.name];
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
export function jsonRow(table: TableSpec<Row>, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const col of table.columns) {
    const v = row[col.name];
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

const num = (scale: number): ColumnType => ({ numeric: scale });

export const publicTables = {
  products: spec('public.products', [
    ['id', 'uuid'],
    ['title', 'text'],
    ['description', 'text'],
    ['price_min', num(2)],
    ['price_max', num(2)],
    ['currency', 'text'],
    ['brand', 'text'],
    ['image_url', 'text'],
    ['affiliate_url', 'text'],
    ['affiliate_network', 'text'],
    ['commission_rate', num(4)],
    ['category_id', 'uuid'],
    ['tags', 'text[]'],
    ['rating', num(2)],
    ['review_count', 'int4'],
    ['availability_status', 'text'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
    ['is_active', 'bool'],
  ]),
  users: spec('public.users', [
    ['id', 'uuid'],
    ['email', 'text'],
    ['username', 'text'],
    ['full_name', 'text'],
    ['first_name', 'text'],
    ['last_name', 'text'],
    ['location_country', 'text'],
    ['location_city', 'text'],
    ['subscription_tier', 'text'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
    ['last_login_at', 'timestamptz'],
    ['is_active', 'bool'],
    ['email_verified', 'bool'],
    ['gdpr_consent', 'bool'],
    ['gdpr_consent_date', 'timestamptz'],
  ]),
  profiles: spec('public.profiles', [
    ['id', 'uuid'],
    ['email', 'text'],
    ['first_name', 'text'],
    ['last_name', 'text'],
    ['subscription_tier', 'text'],
    ['gdpr_consent', 'bool'],
    ['marketing_consent', 'bool'],
    ['email_verified', 'bool'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  swipeSessions: spec('public.swipe_sessions', [
    ['id', 'uuid'],
    ['user_id', 'uuid'],
    ['session_type', 'text'],
    ['occasion', 'text'],
    ['budget_min', num(2)],
    ['budget_max', num(2)],
    ['started_at', 'timestamptz'],
    ['completed_at', 'timestamptz'],
    ['total_swipes', 'int4'],
    ['is_completed', 'bool'],
  ]),
  swipeInteractions: spec('public.swipe_interactions', [
    ['id', 'uuid'],
    ['session_id', 'uuid'],
    ['user_id', 'uuid'],
    ['product_id', 'uuid'],
    ['category_id', 'uuid'],
    ['swipe_direction', 'text'],
    ['swipe_timestamp', 'timestamptz'],
    ['time_spent_seconds', 'int4'],
    ['preference_strength', num(2)],
  ]),
  recommendations: spec('public.recommendations', [
    ['id', 'uuid'],
    ['user_id', 'uuid'],
    ['product_id', 'uuid'],
    ['session_id', 'uuid'],
    ['confidence_score', num(4)],
    ['algorithm_version', 'text'],
    ['rank_position', 'int4'],
    ['created_at', 'timestamptz'],
    ['expires_at', 'timestamptz'],
    ['is_clicked', 'bool'],
    ['clicked_at', 'timestamptz'],
  ]),
  productViews: spec('public.product_views', [
    ['id', 'uuid'],
    ['product_id', 'uuid'],
    ['user_id', 'uuid'],
    ['session_id', 'text'],
    ['view_timestamp', 'timestamptz'],
    ['view_source', 'text'],
    ['view_position', 'int4'],
    ['view_duration_seconds', 'int4'],
    ['interaction_type', 'text'],
    ['has_clicked_affiliate', 'bool'],
    ['device_type', 'text'],
    ['created_at', 'timestamptz'],
  ]),
  recommendationFeedback: spec('public.recommendation_feedback', [
    ['id', 'uuid'],
    ['recommendation_id', 'uuid'],
    ['user_id', 'uuid'],
    ['product_id', 'uuid'],
    ['feedback_type', 'text'],
    ['feedback_action', 'text'],
    ['feedback_value', num(2)],
    ['feedback_source', 'text'],
    ['session_id', 'text'],
    ['position_in_list', 'int4'],
    ['model_version', 'text'],
    ['original_confidence_score', num(2)],
    ['dwell_time_seconds', 'int4'],
    ['created_at', 'timestamptz'],
  ]),
  affiliateClicks: spec('public.affiliate_clicks', [
    ['id', 'uuid'],
    ['user_id', 'uuid'],
    ['product_id', 'uuid'],
    ['session_id', 'text'],
    ['click_timestamp', 'timestamptz'],
    ['source_page', 'text'],
    ['device_type', 'text'],
    ['affiliate_network', 'text'],
    ['affiliate_url', 'text'],
    ['commission_rate', num(4)],
    ['expected_commission', num(2)],
    ['is_converted', 'bool'],
    ['conversion_timestamp', 'timestamptz'],
    ['actual_commission', num(2)],
    ['order_id', 'text'],
    ['utm_source', 'text'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
  sessionAnalytics: spec('public.session_analytics', [
    ['id', 'uuid'],
    ['session_id', 'text'],
    ['user_id', 'uuid'],
    ['started_at', 'timestamptz'],
    ['ended_at', 'timestamptz'],
    ['duration_seconds', 'int4'],
    ['last_activity_at', 'timestamptz'],
    ['landing_page', 'text'],
    ['exit_page', 'text'],
    ['pages_viewed', 'int4'],
    ['total_clicks', 'int4'],
    ['total_swipes', 'int4'],
    ['products_viewed', 'int4'],
    ['recommendations_viewed', 'int4'],
    ['affiliate_clicks', 'int4'],
    ['has_converted', 'bool'],
    ['conversion_timestamp', 'timestamptz'],
    ['conversion_value', num(2)],
    ['device_type', 'text'],
    ['browser', 'text'],
    ['operating_system', 'text'],
    ['is_bounce', 'bool'],
    ['is_active', 'bool'],
    ['engagement_score', num(2)],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ]),
} as const;

/**
 * auth.users rows written in bulk (seed/auth.ts `SqlAuth`): the columns GoTrue fills for a confirmed
 * e-mail account. The token columns are written as '' because GoTrue cannot read NULL there, and a
 * Supabase project's auth.users has no '' default for them.
 */
export const authUsersTable = spec('auth.users', [
  ['instance_id', 'uuid'],
  ['id', 'uuid'],
  ['aud', 'text'],
  ['role', 'text'],
  ['email', 'text'],
  ['encrypted_password', 'text'],
  ['email_confirmed_at', 'timestamptz'],
  ['confirmation_token', 'text'],
  ['recovery_token', 'text'],
  ['email_change_token_new', 'text'],
  ['email_change_token_current', 'text'],
  ['email_change', 'text'],
  ['phone_change', 'text'],
  ['phone_change_token', 'text'],
  ['reauthentication_token', 'text'],
  ['raw_app_meta_data', 'jsonb'],
  ['raw_user_meta_data', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['is_sso_user', 'bool'],
  ['is_anonymous', 'bool'],
]);

export const truthTables = {
  users: spec('kit_truth.users', [
    ['run_id', 'text'],
    ['user_id', 'uuid'],
    ['user_index', 'int4'],
    ['email', 'text'],
    ['archetype', 'text'],
    ['tiers', 'jsonb'],
    ['liberal_factor', num(3)],
    ['swipe_count', 'int4'],
    ['like_count', 'int4'],
  ]),
  products: spec('kit_truth.products', [
    ['run_id', 'text'],
    ['product_id', 'uuid'],
    ['product_index', 'int4'],
    ['category_slug', 'text'],
    ['popularity_rank', 'int4'],
    ['popularity_weight', 'float8'],
  ]),
  clicks: spec('kit_truth.clicks', [
    ['run_id', 'text'],
    ['click_id', 'uuid'],
    ['user_id', 'uuid'],
    ['product_id', 'uuid'],
    ['session_id', 'uuid'],
    ['clicked_at', 'timestamptz'],
    ['duplicate_of', 'uuid'],
  ]),
  conversions: spec('kit_truth.conversions', [
    ['run_id', 'text'],
    ['conversion_id', 'uuid'],
    ['order_id', 'text'],
    ['expected_click_id', 'uuid'],
    ['click_ref', 'text'],
    ['expected_class', 'text'],
    ['amount', num(2)],
    ['commission', num(2)],
    ['converted_at', 'timestamptz'],
    ['recorded_on_click', 'bool'],
  ]),
} as const;

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
] as const satisfies readonly (keyof typeof publicTables)[];

export type PublicTableKey = keyof typeof publicTables;
export type TruthTableKey = keyof typeof truthTables;
