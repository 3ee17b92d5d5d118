// Proves every cell of model/rls-matrix.ts against the migrated schema: each operation runs
// under the identity exactly as PostgREST would run it (withIdentity), in its own rolled-back
// transaction, so the fixture rows stay put and cells are independent. Loosening any policy
// or grant flips at least one cell.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient, Identity } from '../../lib/pg/impersonate.ts';
import { withIdentity } from '../../lib/pg/impersonate.ts';
import type { Actor, Operation, Outcome, RlsTable } from '../../model/rls-matrix.ts';
import { RLS_TABLES, rlsCells } from '../../model/rls-matrix.ts';
import { freshDatabase } from '../support/db.ts';

type Db = Awaited<ReturnType<typeof freshDatabase>>;

/** Ids of the rows every cell works on; filled in beforeAll. */
interface Fixture {
  readonly owner: string;
  readonly other: string;
  /** Has an auth.users row only: the subject of inserts into tables keyed by the user id. */
  readonly newcomer: string;
  readonly categoryUsed: string;
  readonly categoryTarget: string;
  readonly productUsed: string;
  readonly productTarget: string;
  readonly productInactive: string;
  readonly categoryInactive: string;
  readonly sessionOwner: string;
  readonly swipeOwner: string;
  readonly recommendationOwner: string;
  readonly giftLinkOwner: string;
  readonly newsletter: string;
  readonly clickOwner: string;
  readonly clickAnonymous: string;
  readonly sessionAnalyticsOwner: string;
  readonly sessionAnalyticsAnonymous: string;
  readonly viewOwner: string;
  readonly viewAnonymous: string;
  readonly feedbackOwner: string;
}

interface TableSpec {
  /** Column identifying the fixture row. */
  readonly key: 'id' | 'user_id';
  readonly target: (f: Fixture) => string;
  /** Whose row an insert creates; "owner" in the insert cells acts as this user. */
  readonly insertSubject: 'owner' | 'newcomer';
  readonly insert: (f: Fixture, subject: string) => Readonly<Record<string, unknown>>;
  /** A column the owner may update (if the matrix lets the owner update at all). */
  readonly updateColumn: string;
}

const token = (): string => randomUUID().replaceAll('-', '');
const email = (): string => `rls-${token()}@example.test`;

const SPECS: Readonly<Record<RlsTable, TableSpec>> = {
  users: {
    key: 'id',
    target: (f) => f.owner,
    insertSubject: 'newcomer',
    insert: (_f, u) => ({ id: u, email: email(), first_name: 'New', last_name: 'Comer' }),
    updateColumn: 'first_name',
  },
  profiles: {
    key: 'id',
    target: (f) => f.owner,
    insertSubject: 'newcomer',
    insert: (_f, u) => ({ id: u, email: email(), first_name: 'New', last_name: 'Comer' }),
    updateColumn: 'first_name',
  },
  categories: {
    key: 'id',
    target: (f) => f.categoryTarget,
    insertSubject: 'owner',
    insert: () => ({ name: 'Inserted', slug: `ins-${token()}` }),
    updateColumn: 'sort_order',
  },
  products: {
    key: 'id',
    target: (f) => f.productTarget,
    insertSubject: 'owner',
    insert: (f) => ({ title: 'Inserted product', category_id: f.categoryUsed }),
    updateColumn: 'review_count',
  },
  swipe_sessions: {
    key: 'id',
    target: (f) => f.sessionOwner,
    insertSubject: 'owner',
    insert: (_f, u) => ({ user_id: u }),
    updateColumn: 'total_swipes',
  },
  swipe_interactions: {
    key: 'id',
    target: (f) => f.swipeOwner,
    insertSubject: 'owner',
    insert: (f, u) => ({ session_id: f.sessionOwner, user_id: u, product_id: f.productUsed, swipe_direction: 'up' }),
    updateColumn: 'time_spent_seconds',
  },
  recommendations: {
    key: 'id',
    target: (f) => f.recommendationOwner,
    insertSubject: 'owner',
    insert: (f, u) => ({ user_id: u, product_id: f.productUsed, confidence_score: 0.5 }),
    updateColumn: 'is_clicked',
  },
  gift_links: {
    key: 'id',
    target: (f) => f.giftLinkOwner,
    insertSubject: 'owner',
    insert: (_f, u) => ({ user_id: u, link_token: token() }),
    updateColumn: 'view_count',
  },
  newsletter_signups: {
    key: 'id',
    target: (f) => f.newsletter,
    insertSubject: 'owner',
    insert: () => ({ email: email() }),
    updateColumn: 'is_active',
  },
  affiliate_clicks: {
    key: 'id',
    target: (f) => f.clickOwner,
    insertSubject: 'owner',
    insert: (f, u) => ({
      user_id: u,
      product_id: f.productUsed,
      session_id: `s-${token()}`,
      source_page: 'recommendations',
      affiliate_network: 'amazon',
      affiliate_url: 'https://www.amazon.co.uk/dp/B08N5WRWNW/?tag=aclue-21',
    }),
    updateColumn: 'source_page',
  },
  user_preferences: {
    key: 'user_id',
    target: (f) => f.owner,
    insertSubject: 'newcomer',
    insert: (_f, u) => ({ user_id: u }),
    updateColumn: 'cluster_id',
  },
  session_analytics: {
    key: 'id',
    target: (f) => f.sessionAnalyticsOwner,
    insertSubject: 'owner',
    insert: (_f, u) => ({ session_id: `s-${token()}`, user_id: u, landing_page: '/' }),
    updateColumn: 'pages_viewed',
  },
  product_views: {
    key: 'id',
    target: (f) => f.viewOwner,
    insertSubject: 'owner',
    insert: (f, u) => ({
      product_id: f.productUsed,
      user_id: u,
      session_id: `s-${token()}`,
      view_source: 'swipe',
      interaction_type: 'impression',
    }),
    updateColumn: 'view_duration_seconds',
  },
  recommendation_feedback: {
    key: 'id',
    target: (f) => f.feedbackOwner,
    insertSubject: 'owner',
    insert: (f, u) => ({
      recommendation_id: f.recommendationOwner,
      user_id: u,
      product_id: f.productUsed,
      feedback_type: 'explicit',
      feedback_action: 'like',
      feedback_value: 1,
      feedback_source: 'web_app',
      model_version: 'test',
    }),
    updateColumn: 'comment',
  },
};

let db: Db;
let fx: Fixture;

function isPgError(error: unknown): error is { code: string; message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** Runs `work` under the identity; 42501 becomes 'denied', any other error fails the test. */
async function outcomeUnder(identity: Identity, work: (c: DbClient) => Promise<number>): Promise<Outcome> {
  const client = await db.pool.connect();
  try {
    const affected = await withIdentity(client, identity, work);
    return affected > 0 ? 'rows' : 'none';
  } catch (error) {
    if (isPgError(error) && error.code === '42501') return 'denied';
    throw error;
  } finally {
    client.release();
  }
}

function identityOf(actor: Actor, ownerId: string): Identity {
  switch (actor) {
    case 'anon':
      return { role: 'anon' };
    case 'service_role':
      return { role: 'service_role' };
    case 'owner':
      return { role: 'authenticated', sub: ownerId, email: `${ownerId}@example.test` };
    case 'other':
      return { role: 'authenticated', sub: fx.other, email: `${fx.other}@example.test` };
  }
}

async function runCell(table: RlsTable, op: Operation, actor: Actor): Promise<Outcome> {
  const spec = SPECS[table];
  const target = spec.target(fx);
  const relation = `public.${table}`;
  if (op === 'insert') {
    const subject = spec.insertSubject === 'owner' ? fx.owner : fx.newcomer;
    const row = spec.insert(fx, subject);
    const columns = Object.keys(row);
    const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
    // RETURNING, like PostgREST's return=representation: the new row must be visible too.
    const sql = `insert into ${relation} (${columns.join(', ')}) values (${placeholders}) returning ${spec.key}`;
    return outcomeUnder(
      identityOf(actor, subject),
      async (c) => (await c.query(sql, Object.values(row))).rowCount ?? 0,
    );
  }
  const identity = identityOf(actor, fx.owner);
  switch (op) {
    case 'select':
      return outcomeUnder(identity, async (c) => {
        const result = await c.query<{ n: number }>(
          `select count(*)::int as n from ${relation} where ${spec.key} = $1`,
          [target],
        );
        return result.rows[0]?.n ?? 0;
      });
    case 'update':
      return outcomeUnder(identity, async (c) => {
        const sql = `update ${relation} set ${spec.updateColumn} = ${spec.updateColumn} where ${spec.key} = $1 returning ${spec.key}`;
        return (await c.query(sql, [target])).rowCount ?? 0;
      });
    case 'delete':
      return outcomeUnder(identity, async (c) => {
        return (
          (await c.query(`delete from ${relation} where ${spec.key} = $1 returning ${spec.key}`, [target])).rowCount ??
          0
        );
      });
  }
}

/** Inserts one row as superuser and returns its id. */
async function insertRow(table: string, row: Readonly<Record<string, unknown>>, returning = 'id'): Promise<string> {
  const columns = Object.keys(row);
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  const result = await db.pool.query<Record<string, string>>(
    `insert into ${table} (${columns.join(', ')}) values (${placeholders}) returning ${returning}`,
    Object.values(row),
  );
  const value = result.rows[0]?.[returning];
  if (value === undefined) throw new Error(`fixture insert into ${table} returned nothing`);
  return value;
}

async function createAccount(id: string, withPublicRows: boolean): Promise<void> {
  const address = `${id}@example.test`;
  await insertRow('auth.users', {
    instance_id: '00000000-0000-0000-0000-000000000000',
    id,
    aud: 'authenticated',
    role: 'authenticated',
    email: address,
    raw_app_meta_data: { provider: 'email', providers: ['email'] },
    raw_user_meta_data: { first_name: 'Test', last_name: 'User' },
    created_at: new Date(),
    updated_at: new Date(),
  });
  if (!withPublicRows) return;
  await insertRow('public.users', { id, email: address, first_name: 'Test', last_name: 'User' });
  await insertRow('public.profiles', { id, email: address, first_name: 'Test', last_name: 'User' });
}

beforeAll(async () => {
  db = await freshDatabase();
  const owner = randomUUID();
  const other = randomUUID();
  const newcomer = randomUUID();
  await createAccount(owner, true);
  await createAccount(other, true);
  await createAccount(newcomer, false);

  // Catalogue: "used" rows carry the dependants; "target" rows have none, so the service's
  // delete cell is not blocked by a NO ACTION foreign key.
  const categoryUsed = await insertRow('public.categories', { name: 'Used', slug: `used-${token()}` });
  const categoryTarget = await insertRow('public.categories', { name: 'Target', slug: `target-${token()}` });
  const categoryInactive = await insertRow('public.categories', {
    name: 'Off',
    slug: `off-${token()}`,
    is_active: false,
  });
  const productUsed = await insertRow('public.products', { title: 'Used', category_id: categoryUsed });
  const productTarget = await insertRow('public.products', { title: 'Target', category_id: categoryUsed });
  const productInactive = await insertRow('public.products', {
    title: 'Off',
    category_id: categoryUsed,
    is_active: false,
  });

  const sessionOwner = await insertRow('public.swipe_sessions', { user_id: owner });
  await insertRow('public.swipe_sessions', { user_id: other });
  const swipeOwner = await insertRow('public.swipe_interactions', {
    session_id: sessionOwner,
    user_id: owner,
    product_id: productUsed,
    swipe_direction: 'right',
  });
  const recommendationOwner = await insertRow('public.recommendations', {
    user_id: owner,
    product_id: productUsed,
    confidence_score: 0.9,
  });
  const giftLinkOwner = await insertRow('public.gift_links', { user_id: owner, link_token: token() });
  const newsletter = await insertRow('public.newsletter_signups', { email: email() });

  const click = (userId: string | null): Record<string, unknown> => ({
    user_id: userId,
    product_id: productUsed,
    session_id: `s-${token()}`,
    source_page: 'recommendations',
    affiliate_network: 'amazon',
    affiliate_url: 'https://www.amazon.co.uk/dp/B08N5WRWNW/?tag=aclue-21',
  });
  const clickOwner = await insertRow('public.affiliate_clicks', click(owner));
  const clickAnonymous = await insertRow('public.affiliate_clicks', { ...click(null), anonymous_id: 'anon-1' });

  await insertRow(
    'public.user_preferences',
    { user_id: owner, total_swipes: 3, right_swipes: 1, left_swipes: 1, engagement_rate: 0.6667 },
    'user_id',
  );

  const sessionAnalyticsOwner = await insertRow('public.session_analytics', {
    session_id: `s-${token()}`,
    user_id: owner,
    landing_page: '/',
  });
  const sessionAnalyticsAnonymous = await insertRow('public.session_analytics', {
    session_id: `s-${token()}`,
    user_id: null,
    landing_page: '/',
  });

  const view = (userId: string | null): Record<string, unknown> => ({
    product_id: productUsed,
    user_id: userId,
    session_id: `s-${token()}`,
    view_source: 'swipe',
    interaction_type: 'impression',
    recommendation_id: recommendationOwner,
  });
  const viewOwner = await insertRow('public.product_views', view(owner));
  const viewAnonymous = await insertRow('public.product_views', view(null));
  const feedbackOwner = await insertRow('public.recommendation_feedback', {
    recommendation_id: recommendationOwner,
    user_id: owner,
    product_id: productUsed,
    feedback_type: 'explicit',
    feedback_action: 'like',
    feedback_value: 1,
    feedback_source: 'web_app',
    model_version: 'test',
  });

  fx = {
    owner,
    other,
    newcomer,
    categoryUsed,
    categoryTarget,
    categoryInactive,
    productUsed,
    productTarget,
    productInactive,
    sessionOwner,
    swipeOwner,
    recommendationOwner,
    giftLinkOwner,
    newsletter,
    clickOwner,
    clickAnonymous,
    sessionAnalyticsOwner,
    sessionAnalyticsAnonymous,
    viewOwner,
    viewAnonymous,
    feedbackOwner,
  };
});

afterAll(async () => {
  await db?.close();
});

describe.each([...RLS_TABLES])('RLS matrix: %s', (table) => {
  const cells = rlsCells().filter((cell) => cell.table === table);
  it.each(cells)('$op as $actor -> $expected', async ({ op, actor, expected }) => {
    expect(await runCell(table, op, actor), `${table} ${op} as ${actor}`).toBe(expected);
  });
});

describe('RLS beyond the matrix', () => {
  const analytics = [
    ['affiliate_clicks', (f: Fixture) => f.clickAnonymous],
    ['session_analytics', (f: Fixture) => f.sessionAnalyticsAnonymous],
    ['product_views', (f: Fixture) => f.viewAnonymous],
  ] as const;

  it.each(analytics)('%s rows with user_id NULL are readable by no client', async (table, rowOf) => {
    for (const actor of ['anon', 'owner', 'other'] as const) {
      const outcome = await outcomeUnder(identityOf(actor, fx.owner), async (c) => {
        const result = await c.query<{ n: number }>(`select count(*)::int as n from public.${table} where id = $1`, [
          rowOf(fx),
        ]);
        return result.rows[0]?.n ?? 0;
      });
      expect(outcome, `${table} anonymous row as ${actor}`).not.toBe('rows');
    }
  });

  it.each(analytics.map(([table]) => table))(
    '%s: an authenticated client cannot insert an anonymous (user_id NULL) row',
    async (table) => {
      const row = SPECS[table].insert(fx, fx.owner);
      const columns = Object.keys(row);
      const values = Object.values(row).map((v, i) => (columns[i] === 'user_id' ? null : v));
      const sql = `insert into public.${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
      const outcome = await outcomeUnder(
        identityOf('owner', fx.owner),
        async (c) => (await c.query(sql, values)).rowCount ?? 0,
      );
      expect(outcome).toBe('denied');
    },
  );

  it.each([
    ['products', (f: Fixture) => f.productInactive],
    ['categories', (f: Fixture) => f.categoryInactive],
  ] as const)('inactive %s are invisible to anon and authenticated', async (table, rowOf) => {
    for (const actor of ['anon', 'owner'] as const) {
      const outcome = await outcomeUnder(identityOf(actor, fx.owner), async (c) => {
        const result = await c.query<{ n: number }>(`select count(*)::int as n from public.${table} where id = $1`, [
          rowOf(fx),
        ]);
        return result.rows[0]?.n ?? 0;
      });
      expect(outcome, `${table} inactive as ${actor}`).toBe('none');
    }
  });

  it.each(['swipe_sessions', 'swipe_interactions', 'gift_links'] as const)(
    '%s: the owner cannot hand a row to another user',
    async (table) => {
      const outcome = await outcomeUnder(
        identityOf('owner', fx.owner),
        async (c) =>
          (await c.query(`update public.${table} set user_id = $2 where id = $1`, [SPECS[table].target(fx), fx.other]))
            .rowCount ?? 0,
      );
      expect(outcome).toBe('denied');
    },
  );

  it.each(['users', 'profiles'] as const)('%s: the owner cannot change their own subscription tier', async (table) => {
    const outcome = await outcomeUnder(
      identityOf('owner', fx.owner),
      async (c) =>
        (await c.query(`update public.${table} set subscription_tier = 'enterprise' where id = $1`, [fx.owner]))
          .rowCount ?? 0,
    );
    expect(outcome).toBe('denied');
  });

  it('auth helpers see the impersonated identity, and nothing leaks after the transaction', async () => {
    const client = await db.pool.connect();
    try {
      const seen = await withIdentity(
        client,
        { role: 'authenticated', sub: fx.owner, email: 'o@example.test' },
        async (c) => {
          const r = await c.query<{ uid: string; role: string; email: string; who: string; aud: string }>(
            "select auth.uid()::text as uid, auth.role() as role, auth.email() as email, current_user::text as who, auth.jwt() ->> 'aud' as aud",
          );
          return r.rows[0];
        },
      );
      expect(seen).toEqual({
        uid: fx.owner,
        role: 'authenticated',
        email: 'o@example.test',
        who: 'authenticated',
        aud: 'authenticated',
      });
      const after = await client.query<{ uid: string | null; who: string }>(
        'select auth.uid()::text as uid, current_user::text as who',
      );
      expect(after.rows[0]).toEqual({ uid: null, who: 'postgres' });
    } finally {
      client.release();
    }
  });
});
