/**
 * One batch of users' rows, encoded on arrival into per-table binary COPY buffers (`Batch`), and
 * the writer that streams a finished batch in FK order over one connection (`BatchWriter`). A run
 * has W writers: the next batch is generated while W are being written, so at most W + 1 batches are
 * in memory whatever the scale.
 */
import type pg from 'pg';
import { BinaryCopyEncoder, releaseChunks } from './copy/binary.ts';
import { copyChunks } from './copy/copy.ts';
import type { Sink } from './simulate.ts';
import {
  encodeRow,
  type PublicRows,
  type PublicTableKey,
  publicOrder,
  publicTables,
  type TableSpec,
  type TruthRows,
  type TruthTableKey,
  truthTables,
} from './tables.ts';

/** Any table's row, as a buffer holds it; `Batch.row` and `Batch.truth` type each row by its table (seed/tables.ts). */
type Row = Record<string, unknown>;

class TableBuffer {
  private readonly encoder = new BinaryCopyEncoder();
  rows = 0;
  constructor(readonly spec: TableSpec<Row>) {}
  add(row: Row): void {
    encodeRow(this.encoder, this.spec, row);
    this.rows++;
  }
  /** The complete COPY stream (header … trailer); the buffer is not used after this. */
  finish(): Buffer[] {
    return this.encoder.take();
  }
}

export class Batch implements Sink {
  readonly tables = new Map<PublicTableKey, TableBuffer>();
  readonly truths = new Map<TruthTableKey, TableBuffer>();

  row<K extends PublicTableKey>(table: K, row: PublicRows[K]): void {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = new TableBuffer(publicTables[table])));
    t.add(row);
  }

  truth<K extends TruthTableKey>(table: K, row: TruthRows[K]): void {
    let t = this.truths.get(table);
    if (!t) this.truths.set(table, (t = new TableBuffer(truthTables[table])));
    t.add(row);
  }
}

/** What every writer of a run has written so far, summed over its connections (progress and results). */
export class CopyTally {
  /** Rows written so far, per table name, over the whole run. */
  readonly totals = new Map<string, number>();
  /** Milliseconds spent in COPY per table name, summed over the writers (they overlap in time). */
  readonly copyMs = new Map<string, number>();
  /** Users whose batches are written (for progress). */
  usersDone = 0;
  /** Told after each table's COPY: the table, its rows so far and its COPY milliseconds so far. */
  onTable: (table: string, rows: number, ms: number) => void = () => undefined;

  add(name: string, rows: number, ms: number): void {
    this.copyMs.set(name, (this.copyMs.get(name) ?? 0) + ms);
    this.totals.set(name, (this.totals.get(name) ?? 0) + rows);
    this.onTable(name, this.totals.get(name)!, this.copyMs.get(name)!);
  }

  publicRows(): number {
    let n = 0;
    for (const [t, rows] of this.totals) if (t.startsWith('public.')) n += rows;
    return n;
  }
}

/** Streams finished batches over one connection, in FK order; a run may have several at once. */
export class BatchWriter {
  constructor(
    private readonly client: pg.Client,
    private readonly tally: CopyTally,
  ) {}

  private async write(buffer: TableBuffer | undefined): Promise<void> {
    if (!buffer || buffer.rows === 0) return;
    const started = performance.now();
    const chunks = buffer.finish();
    await copyChunks(this.client, buffer.spec, chunks);
    releaseChunks(chunks);
    this.tally.add(buffer.spec.name, buffer.rows, performance.now() - started);
  }

  writeTruth(batch: Batch, table: TruthTableKey): Promise<void> {
    return this.write(batch.truths.get(table));
  }

  async writePublic(batch: Batch): Promise<void> {
    for (const key of publicOrder) await this.write(batch.tables.get(key));
  }
}
