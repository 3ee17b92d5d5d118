/**
 * A small planted world for the DB-gate tests, written straight into a test database following
 * the truth contract of db/migrations/0040_seed_truth.sql: users with planted tiers and swipes
 * drawn from them, correct stored preferences, sessions with consistent analytics, clicks and
 * conversions of every class. Deterministic (seeded PRNG), so each fault a test plants is the only
 * difference from a passing world.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { seededRandom } from '../../model/prng.ts';

export interface WorldOptions {
  readonly runId?: string;
  readonly measuredUsers?: number;
  readonly coldUsers?: number;
  readonly swipesPerUser?: number;
  readonly seed?: number;
}

export interface World {
  readonly runId: string;
  readonly userIds: string[];
  readonly clickIds: string[];
  readonly convertedClickIds: string[];
  readonly sessionIds: string[];
}

const ARCHETYPES = ['techie', 'homebody', 'adventurer'] as const;
const LIKE_P = { love: 0.75, neutral: 0.3, dislike: 0.06 } as const;

export async function insertRows(
  pool: pg.Pool,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const list = cols.join(', ');
  for (let i = 0; i < rows.length; i += 2000) {
    await pool.query(
      `insert into ${table} (${list}) select ${list} from jsonb_populate_recordset(null::${table}, $1::jsonb)`,
      [JSON.stringify(rows.slice(i, i + 2000))],
    );
  }
}

export async function plantWorld(pool: pg.Pool, options: WorldOptions = {}): Promise<World> {
  const random = seededRandom(options.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const runId = options.runId ?? `test-${randomUUID().slice(0, 8)}`;
  const measured = options.measuredUsers ?? 120;
  const cold = options.coldUsers ?? 10;
  const depth = options.swipesPerUser ?? 80;

  const categories = (
    await pool.query<{ id: string; slug: string; name: string }>(
      'select id::text, slug, name from public.categories order by slug',
    )
  ).rows;
  const products: { id: string; category: string; slug: string }[] = [];
  const productRows: Record<string, unknown>[] = [];
  for (const c of categories) {
    for (let i = 0; i < 4; i += 1) {
      const id = randomUUID();
      products.push({ id, category: c.id, slug: c.slug });
      productRows.push({
        id,
        title: `${c.name} ${i}`,
        category_id: c.id,
        price_min: 20 + i,
        commission_rate: 0.05,
        affiliate_url: `https://www.amazon.co.uk/dp/B0${i}/`,
      });
    }
  }
  await insertRows(pool, 'public.products', productRows);

  const users: Record<string, unknown>[] = [];
  const auth: Record<string, unknown>[] = [];
  const truthUsers: Record<string, unknown>[] = [];
  const sessions: Record<string, unknown>[] = [];
  const swipes: Record<string, unknown>[] = [];
  const prefs: Record<string, unknown>[] = [];
  const analytics: Record<string, unknown>[] = [];
  const views: Record<string, unknown>[] = [];
  const clicks: Record<string, unknown>[] = [];
  const truthClicks: Record<string, unknown>[] = [];
  const conversions: Record<string, unknown>[] = [];
  const userIds: string[] = [];
  const clickIds: string[] = [];
  const convertedClickIds: string[] = [];
  const sessionIds: string[] = [];
  const t0 = Date.parse('2026-10-01T00:00:00Z');

  for (let u = 0; u < measured + cold; u += 1) {
    const id = randomUUID();
    userIds.push(id);
    const email = `world-${id}@example.test`;
    auth.push({
      instance_id: '00000000-0000-0000-0000-000000000000',
      id,
      aud: 'authenticated',
      role: 'authenticated',
      email,
      created_at: new Date(t0).toISOString(),
      updated_at: new Date(t0).toISOString(),
    });
    users.push({ id, email, first_name: 'World', last_name: `User ${u}` });
    const archetype = ARCHETYPES[u % ARCHETYPES.length] as string;
    // 3 love, 3 neutral, the rest dislike, shuffled per user.
    const order = [...categories].sort(() => random() - 0.5);
    const tiers = Object.fromEntries(
      order.map((c, i) => [c.slug, i < 3 ? 'love' : i < 6 ? 'neutral' : 'dislike']),
    ) as Record<string, keyof typeof LIKE_P>;
    const n = u < measured ? depth : 10;
    const session = randomUUID();
    sessionIds.push(session);
    sessions.push({ id: session, user_id: id, total_swipes: n });
    const tally: Record<string, { s: number; l: number }> = {};
    let likes = 0;
    for (let i = 0; i < n; i += 1) {
      const p = pick(products);
      const like = random() < LIKE_P[tiers[p.slug] ?? 'dislike'];
      likes += like ? 1 : 0;
      const name = categories.find((c) => c.slug === p.slug)?.name as string;
      tally[name] = { s: (tally[name]?.s ?? 0) + 1, l: (tally[name]?.l ?? 0) + (like ? 1 : 0) };
      swipes.push({
        id: randomUUID(),
        session_id: session,
        user_id: id,
        product_id: p.id,
        category_id: p.category,
        swipe_direction: like ? 'right' : 'left',
        swipe_timestamp: new Date(t0 + i * 1000).toISOString(),
      });
    }
    truthUsers.push({
      run_id: runId,
      user_id: id,
      user_index: u,
      email,
      archetype,
      tiers,
      liberal_factor: 1,
      swipe_count: n,
      like_count: likes,
    });
    // The correct app: per category name, likes / swipes (the service's calculation).
    prefs.push({
      user_id: id,
      category_preferences: Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, v.l / v.s])),
      total_swipes: n,
      right_swipes: likes,
      left_swipes: n - likes,
      engagement_rate: likes / n,
    });
    // Two product views and one affiliate click in the session.
    const viewed = [pick(products), pick(products)];
    for (const [i, p] of viewed.entries())
      views.push({
        id: randomUUID(),
        product_id: p.id,
        user_id: id,
        session_id: session,
        view_source: 'swipe',
        interaction_type: 'impression',
        view_position: i + 1,
      });
    const clickId = randomUUID();
    clickIds.push(clickId);
    const clickedAt = t0 + 3_600_000;
    const clickProduct = viewed[0] as { id: string };
    const click: Record<string, unknown> = {
      id: clickId,
      user_id: id,
      product_id: clickProduct.id,
      session_id: session,
      source_page: 'product_detail',
      affiliate_network: 'amazon',
      affiliate_url: `https://www.amazon.co.uk/dp/B01/?tag=aclue-20&subid=${clickId}`,
      click_timestamp: new Date(clickedAt).toISOString(),
      is_converted: false,
    };
    truthClicks.push({
      run_id: runId,
      click_id: clickId,
      user_id: id,
      product_id: clickProduct.id,
      session_id: session,
      clicked_at: new Date(clickedAt).toISOString(),
      duplicate_of: null,
    });
    // Every 4th user converts; of those every 3rd is late (outside the window, not attributed).
    if (u % 4 === 0) {
      const late = u % 12 === 0;
      const orderId = `ORD-${runId}-${u}`;
      const amount = 40 + (u % 7) * 10;
      const commission = Math.round(amount * 5) / 100;
      const at = new Date(clickedAt + (late ? 40 : 2) * 86_400_000).toISOString();
      if (!late) {
        Object.assign(click, {
          is_converted: true,
          conversion_timestamp: at,
          order_id: orderId,
          actual_commission: commission,
        });
        convertedClickIds.push(clickId);
      }
      conversions.push({
        run_id: runId,
        conversion_id: randomUUID(),
        order_id: orderId,
        expected_click_id: clickId,
        click_ref: clickId,
        expected_class: late ? 'late' : 'attributed',
        amount,
        commission,
        converted_at: at,
        recorded_on_click: !late,
      });
      if (u % 8 === 4)
        conversions.push({
          run_id: runId,
          conversion_id: randomUUID(),
          order_id: orderId,
          expected_click_id: clickId,
          click_ref: clickId,
          expected_class: 'duplicate',
          amount,
          commission,
          converted_at: at,
          recorded_on_click: false,
        });
    }
    clicks.push(click);
    analytics.push({
      session_id: session,
      user_id: id,
      landing_page: '/',
      total_swipes: n,
      products_viewed: 2,
      affiliate_clicks: 1,
      started_at: new Date(t0).toISOString(),
    });
  }
  conversions.push({
    run_id: runId,
    conversion_id: randomUUID(),
    order_id: `ORD-ORPHAN-${runId}`,
    expected_click_id: null,
    click_ref: randomUUID(),
    expected_class: 'orphan',
    amount: 55,
    commission: 2.75,
    converted_at: new Date(t0).toISOString(),
    recorded_on_click: false,
  });

  await pool.query(
    `insert into kit_truth.runs (run_id, seed, params, versions, target, status, finished_at, row_counts) values ($1, '7', '{}', '{}', 'local', 'running', now(), $2)`,
    [
      runId,
      JSON.stringify({
        users: users.length,
        swipe_interactions: swipes.length,
        affiliate_clicks: clicks.length,
        product_views: views.length,
        session_analytics: analytics.length,
      }),
    ],
  );
  await insertRows(pool, 'kit_truth.users', truthUsers);
  await insertRows(pool, 'auth.users', auth);
  await insertRows(pool, 'public.users', users);
  await insertRows(pool, 'public.swipe_sessions', sessions);
  await insertRows(pool, 'public.swipe_interactions', swipes);
  await insertRows(pool, 'public.user_preferences', prefs);
  await insertRows(pool, 'public.product_views', views);
  await insertRows(pool, 'public.affiliate_clicks', clicks);
  await insertRows(pool, 'public.session_analytics', analytics);
  await insertRows(pool, 'kit_truth.clicks', truthClicks);
  await insertRows(pool, 'kit_truth.conversions', conversions);
  await pool.query("update kit_truth.runs set status = 'complete' where run_id = $1", [runId]);
  await pool.query('analyze');
  return { runId, userIds, clickIds, convertedClickIds, sessionIds };
}
