/**
 * Database SQL lives in two trees, one statement per file, discovered by glob:
 *
 *   verify/sql/checks/<gate>/[<group>/]NNNN_name.sql   problem-finding checks, in the manner of
 *       Supabase's splinter lints. Every check returns exactly the columns
 *         name, title, level, detail, remediation, object[, metadata]
 *       (CHECK_COLUMNS): one row per finding, none when there is no problem. `name` is the file's
 *       name without its number; `level` is error, warn or info; `object` names what the finding
 *       is about (a table, a policy, a click); `metadata` (jsonb, optional) carries the figures or
 *       ids a gate needs beside the words. `runCheck` refuses any other result shape, naming the file.
 *   verify/sql/queries/<gate>/NNNN_name.sql  queries that fetch data for a gate to judge (statistics,
 *       planted truth, the checklist's own queries), in whatever shape the gate documents.
 *
 * A folder is a set of files that take the same parameters: a gate hands every file of a folder the
 * same `$1..` values and each file gets the ones it uses. Adding a check is adding a file (with its
 * doc line in docs/gates/<gate>.md and its planted fault in test/verify-db/check-faults.ts: the
 * parity test fails otherwise). Every file has a deterministic ORDER BY (test/verify-db/sql-files).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { DbClient } from '../../lib/pg/impersonate.ts';
import type { Finding } from '../checks/result.ts';
import type { GateLevel } from '../gate.ts';

export const sqlRoot = path.dirname(fileURLToPath(import.meta.url));

export type SqlKind = 'checks' | 'queries';

export interface SqlFile {
  readonly kind: SqlKind;
  /** Folder under verify/sql/<kind>/: `security`, `attribution/postbacks`. */
  readonly folder: string;
  /** File stem without the number: `rls_disabled_in_public`. */
  readonly name: string;
  readonly file: string;
  readonly sql: string;
}

/** The columns of a check, in this order; `metadata` (jsonb) may follow. */
export const CHECK_COLUMNS = ['name', 'title', 'level', 'detail', 'remediation', 'object'] as const;
const LEVELS: readonly GateLevel[] = ['error', 'warn', 'info'];
const JSONB_OID = 3802;

const SQL_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The files of one folder, in file order. */
export function sqlFiles(kind: SqlKind, folder: string): SqlFile[] {
  const dir = path.join(sqlRoot, kind, folder);
  return readdirSync(dir)
    .filter((file) => SQL_FILE.test(file))
    .sort()
    .map((file) => ({
      kind,
      folder,
      name: (SQL_FILE.exec(file) as RegExpExecArray)[2] as string,
      file: path.join(dir, file),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/** Every folder under verify/sql/<kind>/, nested ones as `attribution/postbacks`. */
export function sqlFolders(kind: SqlKind): string[] {
  const walk = (dir: string, prefix: string): string[] =>
    readdirSync(dir)
      .filter((f) => statSync(path.join(dir, f)).isDirectory())
      .sort()
      .flatMap((f) => [`${prefix}${f}`, ...walk(path.join(dir, f), `${prefix}${f}/`)]);
  return walk(path.join(sqlRoot, kind), '');
}

/** Every file of a kind, folder by folder. */
export const allSqlFiles = (kind: SqlKind): SqlFile[] => sqlFolders(kind).flatMap((f) => sqlFiles(kind, f));

/** The checks of one folder, in file order. */
export const checkFiles = (folder: string): SqlFile[] => sqlFiles('checks', folder);

function named(kind: SqlKind, folder: string, name: string): SqlFile {
  const found = sqlFiles(kind, folder).find((f) => f.name === name);
  // A typo is a programming error, so it throws.
  if (found === undefined) throw new Error(`verify/sql/${kind}/${folder}: no file named NNNN_${name}.sql`);
  return found;
}

/** One check by folder and name. */
export const checkFile = (folder: string, name: string): SqlFile => named('checks', folder, name);

/** One data query by folder and name. */
export const queryFile = (folder: string, name: string): SqlFile => named('queries', folder, name);

/** `verify/sql/checks/security/0011_duplicate_indexes.sql`, for messages. */
export const displayPath = (file: SqlFile): string => path.relative(path.join(sqlRoot, '..', '..'), file.file);

type Queryable = pg.Pool | DbClient | Pick<pg.Pool, 'query'>;

async function execute<Row extends object>(
  db: Queryable,
  file: SqlFile,
  params: readonly unknown[],
): Promise<pg.QueryResult<Row & pg.QueryResultRow>> {
  // A gate hands every file of a folder the same parameters; each file gets the ones it uses.
  const used = Math.max(0, ...[...file.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  return (db as pg.Pool).query<Row & pg.QueryResultRow>(file.sql, params.slice(0, used) as unknown[]);
}

/** Runs a data query: its rows as the file documents them. */
export async function runQuery<Row extends object>(
  db: Queryable,
  file: SqlFile,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  return (await execute<Row>(db, file, params)).rows;
}

/**
 * Runs a check: its findings, after making sure the result has the check shape (the columns, in
 * order, and on every row the file's own name, a known level and text in every column).
 */
export async function runCheck<Metadata extends object = Record<string, unknown>>(
  db: Queryable,
  file: SqlFile,
  params: readonly unknown[] = [],
): Promise<Finding<Metadata>[]> {
  const result = await execute<Record<string, unknown>>(db, file, params);
  const where = displayPath(file);
  const columns = result.fields.map((f) => f.name);
  const metadata = result.fields[CHECK_COLUMNS.length];
  const shaped =
    CHECK_COLUMNS.every((c, i) => columns[i] === c) &&
    (columns.length === CHECK_COLUMNS.length ||
      (columns.length === CHECK_COLUMNS.length + 1 &&
        metadata?.name === 'metadata' &&
        metadata.dataTypeID === JSONB_OID));
  if (!shaped) {
    throw new Error(
      `${where}: a check returns exactly the columns ${CHECK_COLUMNS.join(', ')} (then optionally metadata jsonb); this one returns ${columns.join(', ') || 'none'}`,
    );
  }
  return result.rows.map((row, i) => {
    const bad = CHECK_COLUMNS.filter((c) => typeof row[c] !== 'string');
    if (bad.length > 0) throw new Error(`${where}: row ${i + 1} has no text in ${bad.join(', ')}`);
    if (row['name'] !== file.name)
      throw new Error(
        `${where}: row ${i + 1} is named ${String(row['name'])}; a check's rows carry its file name, ${file.name}`,
      );
    if (!LEVELS.includes(row['level'] as GateLevel))
      throw new Error(
        `${where}: row ${i + 1} has level ${String(row['level'])}; a level is one of ${LEVELS.join(', ')}`,
      );
    const meta = row['metadata'] ?? {};
    if (typeof meta !== 'object' || Array.isArray(meta))
      throw new Error(`${where}: row ${i + 1} has metadata that is not a JSON object`);
    return {
      name: row['name'] as string,
      title: row['title'] as string,
      level: row['level'] as GateLevel,
      detail: row['detail'] as string,
      remediation: row['remediation'] as string,
      object: row['object'] as string,
      metadata: meta as Metadata,
    };
  });
}
