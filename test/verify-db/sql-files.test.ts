// The conventions of verify/sql/: files named NNNN_name.sql, one statement each, a deterministic
// ORDER BY unless the query returns exactly one aggregate row, and every gate folder in use.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlChecks, sqlRoot } from '../../verify/sql/run.ts';

const folders = (dir: string, prefix = ''): string[] =>
  readdirSync(dir)
    .filter((f) => statSync(path.join(dir, f)).isDirectory())
    .flatMap((f) => [`${prefix}${f}`, ...folders(path.join(dir, f), `${prefix}${f}/`)]);

/** Queries that return one aggregate row by construction. */
const SINGLE_ROW = new Set([
  'database/stats_reset',
  'attribution-history/totals/commission_sums',
  'attribution/totals/postback_sums',
]);

describe('verify/sql files', () => {
  const all = folders(sqlRoot).flatMap((folder) => sqlChecks(folder).map((check) => ({ folder, ...check })));

  it('every file in a gate folder is NNNN_name.sql', () => {
    for (const folder of folders(sqlRoot)) {
      const files = readdirSync(path.join(sqlRoot, folder)).filter((f) => f.endsWith('.sql'));
      expect(
        files.filter((f) => !/^\d{4}_[a-z0-9_]+\.sql$/.test(f)),
        folder,
      ).toEqual([]);
    }
    expect(all.length).toBeGreaterThan(30);
  });

  it.each(all.map((c) => [`${c.folder}/${c.name}`, c.sql] as const))(
    '%s is one statement with a deterministic order',
    (name, sql) => {
      const body = sql
        .replace(/--[^\n]*/g, '')
        .replace(/'(?:[^']|'')*'/g, "''")
        .trim();
      expect(body.replace(/;\s*$/, '').includes(';'), `${name} holds more than one statement`).toBe(false);
      if (!SINGLE_ROW.has(name)) expect(/order\s+by[^)]*$/i.test(body), `${name} has no final ORDER BY`).toBe(true);
    },
  );
});
