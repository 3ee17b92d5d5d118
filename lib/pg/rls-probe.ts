/**
 * Runs the expected RLS matrix (model/rls-matrix.ts) against a live database: throwaway auth
 * users and fixture rows are created inside one transaction that is always rolled back, and
 * every cell runs under its API identity through withIdentity (in a savepoint), so nothing is
 * left behind on the target.
 *
 * In lib/ because the security gate (verify/) and the rollback drill (drill/) both run it, and
 * verify reads the drill's results: with the probe in either, the two would import each other.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Actor, Operation, Outcome, RlsMatrix, RlsTable } from '../../model/rls-matrix.ts';
import { RLS_MATRIX, rlsCells } from '../../model/rls-matrix.ts';
import type { DbClient, Identity } from './impersonate.ts';
import { withIdentity } from './impersonate.ts';
import { savepointClient } from './savepoint-client.ts';

export interface CellResult {
  readonly table: RlsTable;
  readonly op: Operation;
  readonly actor: Actor;
  readonly expected: Outcome;
  /** 'error' when the statement failed for another reason than a privilege (detail says why). */
  readonly actual: Outcome | 'error';
  readonly detail?: string;
}

interface Fixture {
  owner: string;
  other: string;
  newcomer: string;
  category: string;
  categoryTarget: string;
  product: string;
  productTarget: string;
  session: string;
  swipe: string;
  recommendation: string;
  giftLink: string;
  newsletter: string;
  click: string;
  analytics: string;
  view: string;
  feedback: string;
}

interface Spec {
  readonly key: 'id' | 'user_id';
  readonly target: (f: Fixture) => string;
  /** Whose row an insert creates (tables keyed by user id need a user without one). */
  readonly subject: 'owner' | 'newcomer';
  readonly row: (f: Fixture, user: string) => Record<string, unknown>;
  readonly updateColumn: string;
}

const tag = (): string => randomUUID().replaceAll('-', '').slice(0, 16);
const AFFILIATE_URL = 'https://www.amazon.co.uk/dp/B08N5WRWNW/?tag=kit-probe';

const SPECS: Readonly<Record<RlsTable, Spec>> = {
  users: {
    key: 'id',
    target: (f) => f.owner,
    subject: 'newcomer',
    updateColumn: 'first_name',
    row: (_f, u) => ({ id: u, email: `probe-${tag()}@kit.invalid`, first_name: 'Probe', last_name: 'User' }),
  },
  profiles: {
    key: 'id',
    target: (f) => f.owner,
    subject: 'newcomer',
    updateColumn: 'first_name',
    row: (_f, u) => ({ id: u, email: `probe-${tag()}@kit.invalid`, first_name: 'Probe', last_name: 'User' }),
  },
  categories: {
    key: 'id',
    target: (f) => f.categoryTarget,
    subject: 'owner',
    updateColumn: 'sort_order',
    row: () => ({ name: 'Probe', slug: `probe-${tag()}` }),
  },
  products: {
    key: 'id',
    target: (f) => f.productTarget,
    subject: 'owner',
    updateColumn: 'review_count',
    row: (f) => ({ title: 'Probe product', category_id: f.category }),
  },
  swipe_sessions: {
    key: 'id',
    target: (f) => f.session,
    subject: 'owner',
    updateColumn: 'total_swipes',
    row: (_f, u) => ({ user_id: u }),
  },
  swipe_interactions: {
    key: 'id',
    target: (f) => f.swipe,
    subject: 'owner',
    updateColumn: 'time_spent_seconds',
    row: (f, u) => ({ session_id: f.session, user_id: u, product_id: f.product, swipe_direction: 'right' }),
  },
  recommendations: {
    key: 'id',
    target: (f) => f.recommendation,
    subject: 'owner',
    updateColumn: 'is_clicked',
    row: (f, u) => ({ user_id: u, product_id: f.product, confidence_score: 0.5 }),
  },
  gift_links: {
    key: 'id',
    target: (f) => f.giftLink,
    subject: 'owner',
    updateColumn: 'view_count',
    row: (_f, u) => ({ user_id: u, link_token: `probe-${tag()}` }),
  },
  newsletter_signups: {
    key: 'id',
    target: (f) => f.newsletter,
    subject: 'owner',
    updateColumn: 'is_active',
    row: () => ({ email: `probe-${tag()}@kit.invalid` }),
  },
  affiliate_clicks: {
    key: 'id',
    target: (f) => f.click,
    subject: 'owner',
    updateColumn: 'source_page',
    row: (f, u) => ({
      user_id: u,
      product_id: f.product,
      session_id: `probe-${tag()}`,
      source_page: 'probe',
      affiliate_network: 'amazon',
      affiliate_url: AFFILIATE_URL,
    }),
  },
  user_preferences: {
    key: 'user_id',
    target: (f) => f.owner,
    subject: 'newcomer',
    updateColumn: 'cluster_id',
    row: (_f, u) => ({ user_id: u }),
  },
  session_analytics: {
    key: 'id',
    target: (f) => f.analytics,
    subject: 'owner',
    updateColumn: 'pages_viewed',
    row: (_f, u) => ({ session_id: `probe-${tag()}`, user_id: u, landing_page: '/' }),
  },
  product_views: {
    key: 'id',
    target: (f) => f.view,
    subject: 'owner',
    updateColumn: 'view_duration_seconds',
    row: (f, u) => ({
      product_id: f.product,
      user_id: u,
      session_id: `probe-${tag()}`,
      view_source: 'swipe',
      interaction_type: 'impression',
    }),
  },
  recommendation_feedback: {
    key: 'id',
    target: (f) => f.feedback,
    subject: 'owner',
    updateColumn: 'comment',
    row: (f, u) => ({
      recommendation_id: f.recommendation,
      user_id: u,
      product_id: f.product,
      feedback_type: 'explicit',
      feedback_action: 'like',
      feedback_value: 1,
      feedback_source: 'web_app',
      model_version: 'probe',
    }),
  },
};

async function insert(c: DbClient, table: string, row: Record<string, unknown>, returning = 'id'): Promise<string> {
  const cols = Object.keys(row);
  const sql = `insert into ${table} (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')}) returning ${returning}::text as k`;
  const r = await c.query<{ k: string }>(sql, Object.values(row));
  const k = r.rows[0]?.k;
  if (k === undefined) throw new Error(`probe fixture: insert into ${table} returned no row`);
  return k;
}

async function account(c: DbClient, id: string, publicRows: boolean): Promise<void> {
  const email = `probe-${id}@kit.invalid`;
  await c.query(
    `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2,
             '{"provider":"email","providers":["email"]}', '{"first_name":"Probe","last_name":"User"}', now(), now())`,
    [id, email],
  );
  // A signup trigger on the target may already have created these rows.
  if (publicRows) {
    await c.query(
      'insert into public.users (id, email, first_name, last_name) values ($1, $2, $3, $4) on conflict (id) do nothing',
      [id, email, 'Probe', 'User'],
    );
    await c.query(
      'insert into public.profiles (id, email, first_name, last_name) values ($1, $2, $3, $4) on conflict (id) do nothing',
      [id, email, 'Probe', 'User'],
    );
  } else {
    await c.query('delete from public.users where id = $1', [id]);
    await c.query('delete from public.profiles where id = $1', [id]);
    await c.query('delete from public.user_preferences where user_id = $1', [id]);
  }
}

async function buildFixture(c: DbClient): Promise<Fixture> {
  const owner = randomUUID();
  const other = randomUUID();
  const newcomer = randomUUID();
  await account(c, owner, true);
  await account(c, other, true);
  await account(c, newcomer, false);
  const category = await insert(c, 'public.categories', { name: 'Probe', slug: `probe-${tag()}` });
  const categoryTarget = await insert(c, 'public.categories', { name: 'Probe target', slug: `probe-${tag()}` });
  const product = await insert(c, 'public.products', { title: 'Probe', category_id: category });
  const productTarget = await insert(c, 'public.products', { title: 'Probe target', category_id: category });
  const session = await insert(c, 'public.swipe_sessions', { user_id: owner });
  const swipe = await insert(c, 'public.swipe_interactions', {
    session_id: session,
    user_id: owner,
    product_id: product,
    swipe_direction: 'right',
  });
  const recommendation = await insert(c, 'public.recommendations', {
    user_id: owner,
    product_id: product,
    confidence_score: 0.9,
  });
  const giftLink = await insert(c, 'public.gift_links', { user_id: owner, link_token: `probe-${tag()}` });
  const newsletter = await insert(c, 'public.newsletter_signups', { email: `probe-${tag()}@kit.invalid` });
  const click = await insert(c, 'public.affiliate_clicks', SPECS.affiliate_clicks.row({ product } as Fixture, owner));
  await insert(c, 'public.user_preferences', { user_id: owner }, 'user_id');
  const analytics = await insert(c, 'public.session_analytics', {
    session_id: `probe-${tag()}`,
    user_id: owner,
    landing_page: '/',
  });
  const view = await insert(c, 'public.product_views', {
    product_id: product,
    user_id: owner,
    session_id: `probe-${tag()}`,
    view_source: 'swipe',
    interaction_type: 'impression',
  });
  const feedback = await insert(
    c,
    'public.recommendation_feedback',
    SPECS.recommendation_feedback.row({ recommendation, product } as Fixture, owner),
  );
  return {
    owner,
    other,
    newcomer,
    category,
    categoryTarget,
    product,
    productTarget,
    session,
    swipe,
    recommendation,
    giftLink,
    newsletter,
    click,
    analytics,
    view,
    feedback,
  };
}

function identity(actor: Actor, self: string, other: string): Identity {
  switch (actor) {
    case 'anon':
      return { role: 'anon' };
    case 'service_role':
      return { role: 'service_role' };
    case 'owner':
      return { role: 'authenticated', sub: self, email: `probe-${self}@kit.invalid` };
    case 'other':
      return { role: 'authenticated', sub: other, email: `probe-${other}@kit.invalid` };
  }
}

async function cell(
  c: DbClient,
  f: Fixture,
  table: RlsTable,
  op: Operation,
  actor: Actor,
): Promise<{ actual: Outcome | 'error'; detail?: string }> {
  const spec = SPECS[table];
  const rel = `public.${table}`;
  const subject = op === 'insert' && spec.subject === 'newcomer' ? f.newcomer : f.owner;
  const who = identity(actor, subject, f.other);
  const work = async (db: DbClient): Promise<number> => {
    switch (op) {
      case 'select':
        return (
          (
            await db.query<{ n: number }>(`select count(*)::int as n from ${rel} where ${spec.key} = $1`, [
              spec.target(f),
            ])
          ).rows[0]?.n ?? 0
        );
      case 'insert': {
        const row = spec.row(f, subject);
        const cols = Object.keys(row);
        const sql = `insert into ${rel} (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')}) returning ${spec.key}`;
        return (await db.query(sql, Object.values(row))).rowCount ?? 0;
      }
      case 'update':
        return (
          (
            await db.query(
              `update ${rel} set ${spec.updateColumn} = ${spec.updateColumn} where ${spec.key} = $1 returning ${spec.key}`,
              [spec.target(f)],
            )
          ).rowCount ?? 0
        );
      case 'delete':
        return (
          (await db.query(`delete from ${rel} where ${spec.key} = $1 returning ${spec.key}`, [spec.target(f)]))
            .rowCount ?? 0
        );
    }
  };
  try {
    const n = await withIdentity(savepointClient(c), who, work);
    return { actual: n > 0 ? 'rows' : 'none' };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === '42501') return { actual: 'denied' };
    return { actual: 'error', detail: `${e.code ?? ''} ${e.message ?? String(error)}`.trim() };
  }
}

/** Every cell of the matrix on the live database; all probe rows are rolled back. */
export async function probeRlsMatrix(pool: pg.Pool, matrix: RlsMatrix = RLS_MATRIX): Promise<CellResult[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      return await probeRlsMatrixWithin(client, matrix);
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

/**
 * The same inside a transaction the caller already opened (the rollback drill probes before and
 * after its own changes): fixtures and cells live in a savepoint that is rolled back at the end.
 */
export async function probeRlsMatrixWithin(client: DbClient, matrix: RlsMatrix = RLS_MATRIX): Promise<CellResult[]> {
  await client.query('SAVEPOINT kit_probe');
  try {
    const fixture = await buildFixture(client);
    const results: CellResult[] = [];
    for (const { table, op, actor, expected } of rlsCells(matrix)) {
      results.push({ table, op, actor, expected, ...(await cell(client, fixture, table, op, actor)) });
    }
    return results;
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT kit_probe');
    await client.query('RELEASE SAVEPOINT kit_probe');
  }
}
