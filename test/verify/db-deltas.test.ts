/** Where pg_stat_reset() is denied, the run's statistics are the counters' gain over the run. */
import { describe, expect, it } from 'vitest';
import { counterDeltas, type DbSnapshot } from '../../verify/db-snapshot.ts';

const snapshot = (tables: DbSnapshot['tables'], hits: number, reads: number): DbSnapshot => ({
  version: 1,
  takenAt: '2026-12-07T00:00:00Z',
  statsResetAt: null,
  tables,
  cache: [{ kind: 'heap', hits, reads, hit_rate: hits / (hits + reads) }],
  unusedIndexes: [],
  duplicateIndexes: [],
  topByTotal: [],
  topByMean: [],
  statementsProblem: null,
});

describe('counterDeltas', () => {
  it("keeps only the run's scans and cache traffic, and says so", () => {
    const before = snapshot(
      [{ table_name: 'a', est_rows: 10, seq_scan: 100, seq_tup_read: 1000, idx_scan: 5 }],
      90,
      10,
    );
    const after = snapshot(
      [
        { table_name: 'a', est_rows: 12, seq_scan: 101, seq_tup_read: 1010, idx_scan: 50 },
        { table_name: 'b', est_rows: 3, seq_scan: 2, seq_tup_read: 6, idx_scan: 1 },
      ],
      190,
      10,
    );
    const run = counterDeltas(after, before);
    expect(run.counters).toBe('delta');
    expect(run.tables).toEqual([
      { table_name: 'a', est_rows: 12, seq_scan: 1, seq_tup_read: 10, idx_scan: 45 },
      { table_name: 'b', est_rows: 3, seq_scan: 2, seq_tup_read: 6, idx_scan: 1 },
    ]);
    expect(run.cache[0]).toEqual({ kind: 'heap', hits: 100, reads: 0, hit_rate: 1 });
  });
});
