// The conventions of verify/sql/: checks under checks/<gate>/ and data queries under queries/<gate>/,
// nothing else; files named NNNN_name.sql, one statement each, a deterministic ORDER BY unless the
// query returns exactly one aggregate row. (The check shape is enforced when a check runs, and
// every check runs against a planted fault in check-faults.test.ts.)
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSqlFiles, type SqlKind, sqlFolders, sqlRoot } from '../../verify/sql/run.ts';

const KINDS: readonly SqlKind[] = ['checks', 'queries'];

/** Queries that return one aggregate row by construction. */
const SINGLE_ROW = new Set([
  'queries/database/stats_reset',
  'queries/attribution-history/commission_sums',
  'queries/attribution/postback_sums',
]);

describe('verify/sql files', () => {
  const all = KINDS.flatMap((kind) => allSqlFiles(kind));

  it('holds the two trees and the runner, nothing else', () => {
    expect(readdirSync(sqlRoot).sort()).toEqual(['checks', 'queries', 'run.ts']);
  });

  it('every file in a folder is NNNN_name.sql, with one name once', () => {
    for (const kind of KINDS) {
      for (const folder of sqlFolders(kind)) {
        const dir = path.join(sqlRoot, kind, folder);
        const files = readdirSync(dir).filter((f) => !statSync(path.join(dir, f)).isDirectory());
        expect(
          files.filter((f) => !/^\d{4}_[a-z0-9_]+\.sql$/.test(f)),
          `${kind}/${folder}`,
        ).toEqual([]);
        const names = files.map((f) => f.slice(5, -4));
        expect(new Set(names).size, `${kind}/${folder}`).toBe(names.length);
      }
    }
    expect(all.length).toBeGreaterThan(30);
  });

  it.each(all.map((c) => [`${c.kind}/${c.folder}/${c.name}`, c.sql] as const))(
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
