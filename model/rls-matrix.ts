// Expected row-level-security outcomes for every public table, operation and caller.
// Runtime-neutral data (no Node or k6 imports): the database test runs it through
// withIdentity, and the HTTP test maps it to PostgREST status codes.
//
// Outcomes, for an operation on the fixture row that belongs to "owner":
//   'rows'   - the caller sees / affects the row;
//   'none'   - no error, zero rows seen / affected (RLS filtered it);
//   'denied' - SQLSTATE 42501: no grant, or an INSERT/UPDATE WITH CHECK violation.
// Callers: anon (no JWT), owner (authenticated, sub = the row's user), other (authenticated,
// another user), service_role (BYPASSRLS). For insert, every caller tries to insert a row
// carrying the owner's user id. Catalogue rows (categories, products) are active and have no
// owner; newsletter_signups rows have no user at all.
//
// PostgREST mapping: select rows -> 200 [row], none -> 200 [], denied -> 401 (anon) / 403;
// insert rows -> 201; update/delete rows or none -> 204 (or 200 with representation).

export const OPERATIONS = ['select', 'insert', 'update', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const ACTORS = ['anon', 'owner', 'other', 'service_role'] as const;
export type Actor = (typeof ACTORS)[number];

export type Outcome = 'rows' | 'none' | 'denied';

export const RLS_TABLES = [
  'users',
  'profiles',
  'categories',
  'products',
  'swipe_sessions',
  'swipe_interactions',
  'recommendations',
  'gift_links',
  'newsletter_signups',
  'affiliate_clicks',
  'user_preferences',
  'session_analytics',
  'product_views',
  'recommendation_feedback',
] as const;
export type RlsTable = (typeof RLS_TABLES)[number];

export type ActorOutcomes = Readonly<Record<Actor, Outcome>>;
export type TableExpectation = Readonly<Record<Operation, ActorOutcomes>>;
export type RlsMatrix = Readonly<Record<RlsTable, TableExpectation>>;

const only = (service: Outcome, rest: Outcome): ActorOutcomes => ({
  anon: rest,
  owner: rest,
  other: rest,
  service_role: service,
});

/** Owner reads/writes own rows, other is filtered (read/update/delete) or rejected (insert). */
const OWN_READ: ActorOutcomes = { anon: 'denied', owner: 'rows', other: 'none', service_role: 'rows' };
const OWN_INSERT: ActorOutcomes = { anon: 'denied', owner: 'rows', other: 'denied', service_role: 'rows' };
const OWN_WRITE: ActorOutcomes = { anon: 'denied', owner: 'rows', other: 'none', service_role: 'rows' };
const SERVICE_ONLY: ActorOutcomes = only('rows', 'denied');

const ownerManaged: TableExpectation = {
  select: OWN_READ,
  insert: OWN_INSERT,
  update: OWN_WRITE,
  delete: OWN_WRITE,
};

/** Own account row: no client delete (accounts are removed through Auth, cascading). */
const accountRow: TableExpectation = {
  select: OWN_READ,
  insert: OWN_INSERT,
  update: OWN_WRITE,
  delete: SERVICE_ONLY,
};

/** Active catalogue rows: everyone reads, only the service writes. */
const catalogue: TableExpectation = {
  select: { anon: 'rows', owner: 'rows', other: 'rows', service_role: 'rows' },
  insert: SERVICE_ONLY,
  update: SERVICE_ONLY,
  delete: SERVICE_ONLY,
};

/** Service-written, owner-readable. */
const ownerReadOnly: TableExpectation = {
  select: OWN_READ,
  insert: SERVICE_ONLY,
  update: SERVICE_ONLY,
  delete: SERVICE_ONLY,
};

/** Client-recorded, append-only for clients. */
const ownerAppendOnly: TableExpectation = {
  select: OWN_READ,
  insert: OWN_INSERT,
  update: SERVICE_ONLY,
  delete: SERVICE_ONLY,
};

export const RLS_MATRIX: RlsMatrix = {
  users: accountRow,
  profiles: accountRow,
  categories: catalogue,
  products: catalogue,
  swipe_sessions: ownerManaged,
  swipe_interactions: ownerManaged,
  recommendations: ownerReadOnly,
  gift_links: ownerManaged,
  newsletter_signups: {
    select: SERVICE_ONLY,
    insert: SERVICE_ONLY,
    update: SERVICE_ONLY,
    delete: SERVICE_ONLY,
  },
  affiliate_clicks: ownerAppendOnly,
  user_preferences: ownerReadOnly,
  session_analytics: ownerAppendOnly,
  product_views: ownerAppendOnly,
  recommendation_feedback: ownerAppendOnly,
};

export interface RlsCell {
  readonly table: RlsTable;
  readonly op: Operation;
  readonly actor: Actor;
  readonly expected: Outcome;
}

/** Every cell of the matrix, in table, operation, actor order. */
export function rlsCells(matrix: RlsMatrix = RLS_MATRIX): RlsCell[] {
  return RLS_TABLES.flatMap((table) =>
    OPERATIONS.flatMap((op) => ACTORS.map((actor) => ({ table, op, actor, expected: matrix[table][op][actor] }))),
  );
}
