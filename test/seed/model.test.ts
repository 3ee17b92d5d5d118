/**
 * The generated data follows the behaviour model (model/behaviour.ts) within tolerances sized for
 * the small scale, and the truth agrees with the rows: every expected click exists and every
 * conversion's expected click is the one the data shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { behaviour } from '../../model/behaviour.ts';
import { runSeed, type SeedResult } from '../../seed/run.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { localTarget } from './support.ts';

let db: TestDatabase;
let result: SeedResult;

beforeAll(async () => {
  db = await freshDatabase();
  result = await runSeed({ seed: 'model', scale: 0.4, authWriter: 'sql', target: await localTarget(db.url) });
});
afterAll(async () => db?.close());

const one = async <T>(sql: string, params: unknown[] = []): Promise<T> =>
  (await db.pool.query(sql, params)).rows[0] as T;

describe('behaviour model in the data', () => {
  it('likes follow the planted tiers', async () => {
    const rows = (
      await db.pool.query<{ tier: 'love' | 'neutral' | 'dislike'; rate: number; n: string }>(
        `select u.tiers->>c.slug as tier, avg((s.swipe_direction <> 'left')::int)::float as rate, count(*) as n
           from public.swipe_interactions s
           join public.categories c on c.id = s.category_id
           join kit_truth.users u on u.user_id = s.user_id
          group by 1`,
      )
    ).rows;
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      // The liberal factor averages 1, so each tier's rate is close to its planted probability.
      expect(r.rate, r.tier).toBeGreaterThan(behaviour.likeProbability.value[r.tier] - 0.05);
      expect(r.rate, r.tier).toBeLessThan(behaviour.likeProbability.value[r.tier] + 0.05);
    }
    const overall = await one<{ rate: number }>(
      `select avg((swipe_direction <> 'left')::int)::float as rate from public.swipe_interactions`,
    );
    expect(overall.rate).toBeGreaterThan(0.25);
    expect(overall.rate).toBeLessThan(0.4);
  });

  it('popularity is skewed (Zipf) and not aligned with product ids', async () => {
    const r = await one<{ top: number; rank_corr: number }>(
      `with n as (select p.product_id, p.popularity_rank, p.product_index, count(s.id) as swipes
                    from kit_truth.products p left join public.swipe_interactions s on s.product_id = p.product_id
                   group by 1, 2, 3),
            d as (select swipes, ntile(10) over (order by popularity_rank) as decile, popularity_rank, product_index from n)
       select (sum(swipes) filter (where decile = 1))::float / sum(swipes) as top,
              corr(popularity_rank, product_index) as rank_corr
         from d`,
    );
    // Uniform exposure would give the top decile 10%; the model gives it far more.
    expect(r.top).toBeGreaterThan(0.25);
    expect(Math.abs(r.rank_corr)).toBeLessThan(0.2);
  });

  it('sessions per user and swipes per session match the lognormal medians', async () => {
    const r = await one<{ sessions: number; swipes: number; measured: string; users: string }>(
      `select (select percentile_cont(0.5) within group (order by n) from (select count(*) n from public.swipe_sessions group by user_id) x) as sessions,
              (select percentile_cont(0.5) within group (order by total_swipes) from public.swipe_sessions) as swipes,
              (select count(*) from kit_truth.users where swipe_count >= 40) as measured,
              (select count(*) from kit_truth.users) as users`,
    );
    expect(r.sessions).toBeGreaterThanOrEqual(2);
    expect(r.sessions).toBeLessThanOrEqual(5);
    expect(r.swipes).toBeGreaterThan(behaviour.swipesPerSession.value.median * 0.8);
    expect(r.swipes).toBeLessThan(behaviour.swipesPerSession.value.median * 1.25);
    // The preference gate needs users with ≥40 swipes: about half or more of all users.
    expect(Number(r.measured) / Number(r.users)).toBeGreaterThan(0.45);
  });

  it('conversion rate per click is near the model', async () => {
    const r = await one<{ rate: number; clicks: string }>(
      `select (select count(*) from kit_truth.conversions where expected_class in ('attributed', 'reversed', 'late'))::float
                / (select count(*) from kit_truth.clicks where duplicate_of is null) as rate,
              (select count(*) from kit_truth.clicks) as clicks`,
    );
    expect(Number(r.clicks)).toBeGreaterThan(300);
    expect(r.rate).toBeGreaterThan(behaviour.conversionRate.value * 0.4);
    expect(r.rate).toBeLessThan(behaviour.conversionRate.value * 2);
  });
});

describe('truth and data agree', () => {
  it('every truth click is a click row with the same user, product and session', async () => {
    const r = await one<{ truth: string; matched: string; rows: string }>(
      `select (select count(*) from kit_truth.clicks) as truth,
              (select count(*) from kit_truth.clicks t join public.affiliate_clicks c
                  on c.id = t.click_id and c.user_id = t.user_id and c.product_id = t.product_id and c.session_id = t.session_id::text
                 and c.click_timestamp = t.clicked_at) as matched,
              (select count(*) from public.affiliate_clicks) as rows`,
    );
    expect(Number(r.truth)).toBeGreaterThan(0);
    expect(r.matched).toBe(r.truth);
    expect(r.rows).toBe(r.truth);
  });

  it('every conversion points at the click the data records it on, by class', async () => {
    const rows = (
      await db.pool.query<{ expected_class: string; n: string; ok: string }>(
        `select t.expected_class, count(*) as n, count(*) filter (where case t.expected_class
                   when 'attributed' then c.id = t.expected_click_id and c.is_converted and c.actual_commission = t.commission
                   when 'reversed'   then c.id = t.expected_click_id and c.is_converted and c.actual_commission = 0
                   when 'duplicate'  then c.id = t.expected_click_id
                   when 'late'       then c.id is null and exists (select 1 from public.affiliate_clicks k where k.id = t.expected_click_id and not k.is_converted)
                   when 'orphan'     then c.id is null and t.expected_click_id is null
                     and not exists (select 1 from public.affiliate_clicks k where k.id::text = t.click_ref)
                 end) as ok
           from kit_truth.conversions t left join public.affiliate_clicks c on c.order_id = t.order_id
          group by 1`,
      )
    ).rows;
    const byClass = Object.fromEntries(rows.map((r) => [r.expected_class, r]));
    for (const r of rows) expect(r.ok, r.expected_class).toBe(r.n);
    expect(Number(byClass.attributed?.n ?? 0)).toBeGreaterThan(5);
    expect(Number(byClass.orphan?.n ?? 0)).toBeGreaterThan(0);
    // Planted duplicate clicks point at an original of the same user and product.
    const dups = await one<{ n: string; bad: string }>(
      `select count(*) as n, count(*) filter (where o.click_id is null or o.user_id <> d.user_id or o.product_id <> d.product_id
                                               or d.clicked_at - o.clicked_at > interval '30 seconds') as bad
         from kit_truth.clicks d left join kit_truth.clicks o on o.click_id = d.duplicate_of where d.duplicate_of is not null`,
    );
    expect(dups.bad).toBe('0');
  });

  it('records the run as complete with its row counts', async () => {
    const run = await one<{ status: string; row_counts: Record<string, number> }>(
      'select status, row_counts from kit_truth.runs where run_id = $1',
      [result.runId],
    );
    expect(run.status).toBe('complete');
    const swipes = await one<{ n: string }>('select count(*) as n from public.swipe_interactions');
    expect(run.row_counts['public.swipe_interactions']).toBe(Number(swipes.n));
  });
});
