/**
 * Database checks are SQL files, one query each, discovered by glob: verify/sql/<gate>/NNNN_name.sql.
 * Every file of one gate returns rows of one fixed shape with a deterministic ORDER BY; adding a
 * check is adding a file. Queries may use $1.. parameters the gate documents (e.g. run ids).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { DbClient } from '../../lib/pg/impersonate.ts';

export const sqlRoot = path.dirname(fileURLToPath(import.meta.url));

export interface SqlCheck {
  /** File stem without the number: `rls_disabled_in_public`. */
  readonly name: string;
  readonly file: string;
  readonly sql: string;
}

const CHECK_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function sqlChecks(gate: string): SqlCheck[] {
  const dir = path.join(sqlRoot, gate);
  return readdirSync(dir)
    .filter((file) => CHECK_FILE.test(file))
    .sort()
    .map((file) => ({
      name: (CHECK_FILE.exec(file) as RegExpExecArray)[2] as string,
      file: path.join(dir, file),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/** One check by name; a typo is a programming error, so it throws. */
export function sqlCheck(gate: string, name: string): SqlCheck {
  const check = sqlChecks(gate).find((c) => c.name === name);
  if (check === undefined) throw new Error(`verify/sql/${gate}: no check named ${name}`);
  return check;
}

export async function runCheck<Row extends object>(
  db: pg.Pool | DbClient,
  check: SqlCheck,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  // A gate hands every file of a folder the same parameters; each file gets the ones it uses.
  const used = Math.max(0, ...[...check.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  return (await db.query<Row & pg.QueryResultRow>(check.sql, params.slice(0, used) as unknown[])).rows;
}
