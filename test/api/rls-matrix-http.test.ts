/**
 * The RLS matrix (model/rls-matrix.ts) once more, now as PostgREST answers it over HTTP through the
 * kit's gateway. Outcome → HTTP:
 *   select: rows → 200 [row]; none → 200 []; denied → 401 (anon) / 403 (a signed-in role)
 *   insert (return=representation, like the database test's RETURNING): rows → 201; denied → 401 / 403
 *   update/delete: rows → 204 and the row changed / is gone; none → 204 and nothing changed;
 *                  denied → 401 / 403 and nothing changed (checked afterwards as superuser)
 * Writes cannot be rolled back over HTTP, so every update/delete cell gets its own fresh owner and
 * target row, and every insert of an account-keyed row its own fresh newcomer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_KEY_MODES } from '../../lib/config.ts';
import { type Actor, type Outcome, RLS_TABLES, type RlsTable, rlsCells } from '../../model/rls-matrix.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let db: TestDatabase;
let stack: TestStack;

const token = (): string => randomUUID().replaceAll('-', '');
const email = (): string => `rls-http-${token()}@example.test`;

/** Shared rows: a second user, and catalogue rows that owned rows reference. */
interface Shared {
  readonly owner: string;
  readonly other: string;
  readonly categoryUsed: string;
  readonly productUsed: string;
  readonly sessionOwner: string;
  readonly recommendationOwner: string;
}
let shared: Shared;

async function insertRow(table: string, row: Readonly<Record<string, unknown>>, returning = 'id'): Promise<string> {
  const columns = Object.keys(row);
  const result = await db.pool.query<Record<string, string>>(
    `insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) returning ${returning}`,
    Object.values(row),
  );
  return result.rows[0]![returning]!;
}

/** An auth.users account, optionally with the public.users/profiles rows the app's tables reference. */
async function account(withPublicRows: boolean): Promise<string> {
  const id = randomUUID();
  const address = `${id}@example.test`;
  await insertRow('auth.users', {
    instance_id: '00000000-0000-0000-0000-000000000000',
    id,
    aud: 'authenticated',
    role: 'authenticated',
    email: address,
    raw_app_meta_data: { provider: 'email', providers: ['email'] },
    created_at: new Date(),
    updated_at: new Date(),
  });
  if (withPublicRows) {
    await insertRow('public.users', { id, email: address, first_name: 'Test', last_name: 'User' });
    await insertRow('public.profiles', { id, email: address, first_name: 'Test', last_name: 'User' });
  }
  return id;
}

const click = (s: Shared, user: string | null) => ({
  user_id: user,
  product_id: s.productUsed,
  session_id: `s-${token()}`,
  source_page: 'recommendations',
  affiliate_network: 'amazon',
  affiliate_url: 'https://www.amazon.co.uk/dp/B08N5WRWNW/?tag=aclue-21',
});
const view = (s: Shared, user: string | null) => ({
  product_id: s.productUsed,
  user_id: user,
  session_id: `s-${token()}`,
  view_source: 'swipe',
  interaction_type: 'impression',
});
const feedback = (s: Shared, user: string, recommendation: string) => ({
  recommendation_id: recommendation,
  user_id: user,
  product_id: s.productUsed,
  feedback_type: 'explicit',
  feedback_action: 'like',
  feedback_value: 1,
  feedback_source: 'web_app',
  model_version: 'test',
});

interface TableSpec {
  readonly key: 'id' | 'user_id';
  /** A fresh row owned by `owner` (superuser insert); returns its key. */
  readonly target: (s: Shared, owner: string) => Promise<string>;
  /** Whose row an insert creates: the shared owner, or a fresh account without app rows. */
  readonly insertSubject: 'owner' | 'newcomer';
  readonly insert: (s: Shared, subject: string) => Readonly<Record<string, unknown>>;
  /** Column and a value different from the fresh row's. */
  readonly update: readonly [string, unknown];
}

const SPECS: Readonly<Record<RlsTable, TableSpec>> = {
  users: {
    key: 'id',
    target: async (_s, u) => u,
    insertSubject: 'newcomer',
    insert: (_s, u) => ({ id: u, email: email(), first_name: 'New', last_name: 'Comer' }),
    update: ['first_name', 'Changed'],
  },
  profiles: {
    key: 'id',
    target: async (_s, u) => u,
    insertSubject: 'newcomer',
    insert: (_s, u) => ({ id: u, email: email(), first_name: 'New', last_name: 'Comer' }),
    update: ['first_name', 'Changed'],
  },
  categories: {
    key: 'id',
    target: () => insertRow('public.categories', { name: 'Target', slug: `t-${token()}` }),
    insertSubject: 'owner',
    insert: () => ({ name: 'Inserted', slug: `ins-${token()}` }),
    update: ['sort_order', 42],
  },
  products: {
    key: 'id',
    target: (s) => insertRow('public.products', { title: 'Target', category_id: s.categoryUsed }),
    insertSubject: 'owner',
    insert: (s) => ({ title: 'Inserted product', category_id: s.categoryUsed }),
    update: ['review_count', 42],
  },
  swipe_sessions: {
    key: 'id',
    target: (_s, u) => insertRow('public.swipe_sessions', { user_id: u }),
    insertSubject: 'owner',
    insert: (_s, u) => ({ user_id: u }),
    update: ['total_swipes', 42],
  },
  swipe_interactions: {
    key: 'id',
    target: async (s, u) => {
      const session = await insertRow('public.swipe_sessions', { user_id: u });
      return insertRow('public.swipe_interactions', {
        session_id: session,
        user_id: u,
        product_id: s.productUsed,
        swipe_direction: 'right',
      });
    },
    insertSubject: 'owner',
    insert: (s, u) => ({ session_id: s.sessionOwner, user_id: u, product_id: s.productUsed, swipe_direction: 'up' }),
    update: ['time_spent_seconds', 42],
  },
  recommendations: {
    key: 'id',
    target: (s, u) =>
      insertRow('public.recommendations', { user_id: u, product_id: s.productUsed, confidence_score: 0.9 }),
    insertSubject: 'owner',
    insert: (s, u) => ({ user_id: u, product_id: s.productUsed, confidence_score: 0.5 }),
    update: ['is_clicked', true],
  },
  gift_links: {
    key: 'id',
    target: (_s, u) => insertRow('public.gift_links', { user_id: u, link_token: token() }),
    insertSubject: 'owner',
    insert: (_s, u) => ({ user_id: u, link_token: token() }),
    update: ['view_count', 42],
  },
  newsletter_signups: {
    key: 'id',
    target: () => insertRow('public.newsletter_signups', { email: email() }),
    insertSubject: 'owner',
    insert: () => ({ email: email() }),
    update: ['email_sent', true],
  },
  affiliate_clicks: {
    key: 'id',
    target: (s, u) => insertRow('public.affiliate_clicks', click(s, u)),
    insertSubject: 'owner',
    insert: (s, u) => click(s, u),
    update: ['source_page', 'changed'],
  },
  user_preferences: {
    key: 'user_id',
    target: (_s, u) => insertRow('public.user_preferences', { user_id: u }, 'user_id'),
    insertSubject: 'newcomer',
    insert: (_s, u) => ({ user_id: u }),
    update: ['cluster_id', 42],
  },
  session_analytics: {
    key: 'id',
    target: (_s, u) =>
      insertRow('public.session_analytics', { session_id: `s-${token()}`, user_id: u, landing_page: '/' }),
    insertSubject: 'owner',
    insert: (_s, u) => ({ session_id: `s-${token()}`, user_id: u, landing_page: '/' }),
    update: ['pages_viewed', 42],
  },
  product_views: {
    key: 'id',
    target: (s, u) => insertRow('public.product_views', view(s, u)),
    insertSubject: 'owner',
    insert: (s, u) => view(s, u),
    update: ['view_duration_seconds', 42],
  },
  recommendation_feedback: {
    key: 'id',
    target: async (s, u) => {
      const rec = await insertRow('public.recommendations', {
        user_id: u,
        product_id: s.productUsed,
        confidence_score: 0.9,
      });
      return insertRow('public.recommendation_feedback', feedback(s, u, rec));
    },
    insertSubject: 'owner',
    insert: (s, u) => feedback(s, u, s.recommendationOwner),
    update: ['comment', 'changed'],
  },
};

async function headersFor(actor: Actor, owner: string): Promise<Record<string, string>> {
  switch (actor) {
    case 'anon':
      return { apikey: stack.anonKey };
    case 'service_role':
      return { apikey: stack.serviceRoleKey };
    case 'owner':
    case 'other': {
      const sub = actor === 'owner' ? owner : shared.other;
      const now = Math.floor(Date.now() / 1000);
      const jwt = await stack.keys.signer.sign({
        sub,
        role: 'authenticated',
        aud: 'authenticated',
        email: `${sub}@example.test`,
        iat: now,
        exp: now + 600,
      });
      return { apikey: stack.anonKey, authorization: `Bearer ${jwt}` };
    }
  }
}

const deniedStatus = (actor: Actor) => (actor === 'anon' ? 401 : 403);

async function current(
  table: RlsTable,
  key: string,
  target: string,
  column: string,
): Promise<string | null | undefined> {
  const { rows } = await db.pool.query<{ v: string | null }>(
    `select ${column}::text as v from public.${table} where ${key} = $1`,
    [target],
  );
  return rows.length === 0 ? undefined : rows[0]!.v;
}

async function send(
  actor: Actor,
  owner: string,
  path: string,
  init: { method: string; body?: unknown; prefer?: string },
) {
  const headers: Record<string, string> = { ...(await headersFor(actor, owner)) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.prefer) headers.prefer = init.prefer;
  const response = await fetch(`${stack.url}/rest/v1${path}`, {
    method: init.method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

// The whole matrix with each way the stack issues keys and tokens (legacy JWT keys and HS256, or
// publishable/secret keys and ES256).
describe.each(STACK_KEY_MODES)('%s keys', (mode) => {
  beforeAll(async () => {
    db = await freshDatabase();
    stack = await startTestStack(db, { keyMode: mode });
    const owner = await account(true);
    const other = await account(true);
    const categoryUsed = await insertRow('public.categories', { name: 'Used', slug: `used-${token()}` });
    const productUsed = await insertRow('public.products', { title: 'Used', category_id: categoryUsed });
    const sessionOwner = await insertRow('public.swipe_sessions', { user_id: owner });
    const recommendationOwner = await insertRow('public.recommendations', {
      user_id: owner,
      product_id: productUsed,
      confidence_score: 0.9,
    });
    shared = { owner, other, categoryUsed, productUsed, sessionOwner, recommendationOwner };
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.close();
  });

  describe.each([...RLS_TABLES])('RLS matrix over HTTP: %s', (table) => {
    const spec = SPECS[table];
    const cells = rlsCells().filter((cell) => cell.table === table);

    it.each(cells)('$op as $actor -> $expected', async ({ op, actor, expected }) => {
      const label = `${table} ${op} as ${actor}`;
      if (op === 'insert') {
        const subject = spec.insertSubject === 'owner' ? shared.owner : await account(false);
        const result = await send(actor, subject, `/${table}?select=${spec.key}`, {
          method: 'POST',
          body: spec.insert(shared, subject),
          prefer: 'return=representation',
        });
        if (expected === 'rows') {
          expect(result.status, label).toBe(201);
          expect(result.body, label).toHaveLength(1);
        } else {
          expect(result.status, label).toBe(deniedStatus(actor));
          expect((result.body as { code: string }).code, label).toBe('42501');
        }
        return;
      }

      // A fresh owner and row per cell: earlier cells' writes cannot leak into this one.
      const owner = await account(true);
      const target = await spec.target(shared, owner);
      const filter = `${spec.key}=eq.${target}`;
      const [column, value] = spec.update;
      const before = await current(table, spec.key, target, column);

      if (op === 'select') {
        const result = await send(actor, owner, `/${table}?select=${spec.key}&${filter}`, { method: 'GET' });
        const expectedStatus: Record<Outcome, number> = { rows: 200, none: 200, denied: deniedStatus(actor) };
        expect(result.status, label).toBe(expectedStatus[expected]);
        if (expected === 'rows') expect(result.body, label).toEqual([{ [spec.key]: target }]);
        if (expected === 'none') expect(result.body, label).toEqual([]);
        return;
      }

      const result = await send(
        actor,
        owner,
        `/${table}?${filter}`,
        op === 'update' ? { method: 'PATCH', body: { [column]: value } } : { method: 'DELETE' },
      );
      expect(result.status, label).toBe(expected === 'denied' ? deniedStatus(actor) : 204);
      const after = await current(table, spec.key, target, column);
      if (op === 'update') {
        if (expected === 'rows') expect(after, label).not.toBe(before);
        else expect(after, label).toBe(before);
      } else {
        if (expected === 'rows') expect(after, label).toBeUndefined();
        else expect(after, label).toBe(before);
      }
    });
  });
});
