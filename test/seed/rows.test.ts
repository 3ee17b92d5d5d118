/**
 * Typed seed rows: a row's type follows its table, so a misspelt, missing or wrongly typed column
 * is a compile error (the `@ts-expect-error` lines below are checked by `npm run typecheck`, which
 * compiles test/ too: each must fail to compile or the typecheck fails), and at run time every row
 * the generator makes has exactly its table's columns, none undefined (so none is written as NULL
 * by mistake).
 */
import { describe, expect, it } from 'vitest';
import { categorySlugs, productCount } from '../../model/behaviour.ts';
import type { Batch } from '../../seed/batch.ts';
import { BinaryCopyEncoder } from '../../seed/copy/binary.ts';
import { productRows } from '../../seed/product-rows.ts';
import { orphanConversions, type Sink } from '../../seed/simulate.ts';
import {
  type Columns,
  encodeRow,
  jsonRow,
  type PublicTableKey,
  publicTables,
  type SwipeSessionRow,
  type TruthTableKey,
  truthTables,
} from '../../seed/tables.ts';
import { userRows } from '../../seed/user-rows.ts';
import { uuidBytes } from '../../seed/uuid.ts';
import { World } from '../../seed/world.ts';

const id = uuidBytes('0190a000-0000-7000-8000-000000000001');
const session: SwipeSessionRow = {
  id,
  user_id: id,
  session_type: 'discovery',
  occasion: 'birthday',
  budget_min: 1000,
  budget_max: 3500,
  started_at: 0,
  completed_at: null,
  total_swipes: 3,
  is_completed: false,
};

/** Never called: its body only has to compile, and each `@ts-expect-error` line to fail to. */
function typeChecks(sink: Sink, batch: Batch, enc: BinaryCopyEncoder): void {
  sink.row('swipeSessions', session);
  batch.row('swipeSessions', session);
  encodeRow(enc, publicTables.swipeSessions, session);

  // @ts-expect-error a misspelt column
  sink.row('swipeSessions', { ...session, budjet_min: 0 });
  // @ts-expect-error a misspelt column, straight into the COPY buffers
  batch.row('swipeSessions', { ...session, budjet_min: 0 });
  // @ts-expect-error a misspelt column, into the encoder
  encodeRow(enc, publicTables.swipeSessions, { ...session, budjet_min: 0 });
  const click = { run_id: 'r', click_id: id, user_id: id, product_id: id, session_id: id, clicked_at: 0 };
  sink.truth('clicks', { ...click, duplicate_of: null });
  // @ts-expect-error a misspelt truth column
  sink.truth('clicks', { ...click, duplicat_of: null });

  const { occasion: _, ...withoutOccasion } = session;
  // @ts-expect-error a missing column
  sink.row('swipeSessions', withoutOccasion);
  // @ts-expect-error a missing column, into the encoder
  encodeRow(enc, publicTables.swipeSessions, withoutOccasion);

  // @ts-expect-error another table's row
  sink.row('swipeInteractions', session);
  // @ts-expect-error a value of the wrong type
  sink.row('swipeSessions', { ...session, total_swipes: '3' });
  // @ts-expect-error a value outside the column's CHECK set
  sink.row('productViews', { ...viewRow(), device_type: 'phone' });

  // A table's columns are declared by its row type: misspelt, missing or mistyped columns fail too.
  const columns: Columns<SwipeSessionRow> = {
    id: 'uuid',
    user_id: 'uuid',
    session_type: 'text',
    occasion: 'text',
    budget_min: { numeric: 2 },
    budget_max: { numeric: 2 },
    started_at: 'timestamptz',
    completed_at: 'timestamptz',
    total_swipes: 'int4',
    is_completed: 'bool',
  };
  // @ts-expect-error a column the row type lacks
  const misspelt: Columns<SwipeSessionRow> = { ...columns, budjet_min: { numeric: 2 } };
  const { occasion: __, ...fewer } = columns;
  // @ts-expect-error a column left out
  const missing: Columns<SwipeSessionRow> = fewer;
  // @ts-expect-error a column type that cannot hold the value (a uuid as int4)
  const mistyped: Columns<SwipeSessionRow> = { ...columns, id: 'int4' };
  void [misspelt, missing, mistyped];
}

void typeChecks;

function viewRow() {
  return {
    id,
    product_id: id,
    user_id: id,
    session_id: 's',
    view_timestamp: 0,
    view_source: 'swipe',
    view_position: 1,
    view_duration_seconds: 1,
    interaction_type: 'detail_view',
    has_clicked_affiliate: false,
    device_type: 'mobile',
    created_at: 0,
  } as const;
}

/** Records every row with its table's column names. */
class Recorder implements Sink {
  readonly seen = new Map<string, number>();
  readonly problems: string[] = [];
  row(table: PublicTableKey, row: object): void {
    this.check(`public.${table}`, publicTables[table].columns, row);
  }
  truth(table: TruthTableKey, row: object): void {
    this.check(`truth.${table}`, truthTables[table].columns, row);
  }
  check(name: string, columns: readonly { name: string }[], row: object): void {
    this.seen.set(name, (this.seen.get(name) ?? 0) + 1);
    const want = columns.map((c) => c.name).sort();
    const got = Object.keys(row).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) this.problems.push(`${name}: ${got} ≠ ${want}`);
    for (const [k, v] of Object.entries(row)) if (v === undefined) this.problems.push(`${name}.${k} is undefined`);
  }
}

describe('typed seed rows', () => {
  it("every generated row has exactly its table's columns, none undefined", () => {
    const categories = categorySlugs.map((slug, i) => ({
      slug,
      id: uuidBytes(`0190a000-0000-7000-8000-${(i + 1).toString(16).padStart(12, '0')}`),
    }));
    const world = new World({ seed: 'rows', scale: 0.2, users: 200, products: productCount(0.2) }, categories);
    const sink = new Recorder();
    for (let u = 0; u < 200; u++) userRows(world, 'run-rows', u, sink);
    orphanConversions(world, 'run-rows', sink);
    for (const p of world.products.slice(0, 50)) {
      const made = productRows(world, 'run-rows', p);
      sink.row('products', made.row);
      sink.truth('products', made.truth);
    }
    expect(sink.problems).toEqual([]);
    // Not vacuous: every table the seed writes was seen.
    expect([...sink.seen.keys()].sort()).toEqual(
      [
        ...Object.keys(publicTables).map((t) => `public.${t}`),
        ...Object.keys(truthTables).map((t) => `truth.${t}`),
      ].sort(),
    );
  });

  it('encodes a typed row in COPY and JSON form by its table', () => {
    const enc = new BinaryCopyEncoder();
    encodeRow(enc, publicTables.swipeSessions, session);
    expect(enc.rows).toBe(1);
    expect(jsonRow(publicTables.swipeSessions, session)).toEqual({
      id: '0190a000-0000-7000-8000-000000000001',
      user_id: '0190a000-0000-7000-8000-000000000001',
      session_type: 'discovery',
      occasion: 'birthday',
      budget_min: '10.00',
      budget_max: '35.00',
      started_at: '1970-01-01T00:00:00.000Z',
      completed_at: null,
      total_swipes: 3,
      is_completed: false,
    });
  });
});
