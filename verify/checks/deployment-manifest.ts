/**
 * What the deployment creates, read from the migrations that create it (db/migrations/), so the
 * deployment gate checks the schema the kit deploys and never a second copy of its names: the five
 * new tables with their columns (the deployment-tables migration), and every index and trigger the
 * migrations create in `public`. The migrations are written one column per line, two-space
 * indented, which is what the table parser relies on; a unit test pins the counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir } from '../../lib/paths.ts';

/** The migration holding the checklist's "5 new tables" (03_deploy_missing_tables_corrected.sql). */
export const DEPLOYMENT_TABLES_MIGRATION = '0011_deployment_tables.sql';

export interface ExpectedColumn {
  readonly table: string;
  readonly column: string;
  /** The declared type as written (`numeric(5,4)`, `text[]`); compared by base type with to_regtype. */
  readonly type: string;
}
export interface ExpectedIndex {
  readonly table: string;
  readonly index: string;
}
export interface ExpectedTrigger {
  readonly table: string;
  readonly trigger: string;
  readonly function: string;
}

export interface DeploymentManifest {
  readonly tables: readonly string[];
  readonly columns: readonly ExpectedColumn[];
  readonly indexes: readonly ExpectedIndex[];
  readonly triggers: readonly ExpectedTrigger[];
}

const withoutComments = (sql: string): string => sql.replace(/--[^\n]*/g, '');

const TABLE = /CREATE TABLE public\.([a-z_][a-z0-9_]*) \(\n([\s\S]*?)\n\);/g;
// A column line: two spaces, a lower-case name (constraints start with upper-case keywords), a type.
const COLUMN = /^ {2}([a-z_][a-z0-9_]*)\s+([a-z_][a-z0-9_]*(?:\([0-9, ]+\))?(?:\[\])?)/;
const INDEX =
  /CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)\s+ON (?:ONLY )?public\.([a-z_][a-z0-9_]*)/g;
const TRIGGER =
  /CREATE TRIGGER ([a-z_][a-z0-9_]*)[\s\S]*? ON public\.([a-z_][a-z0-9_]*)[\s\S]*?EXECUTE (?:FUNCTION|PROCEDURE) public\.([a-z_][a-z0-9_]*)\(/g;

export function parseTables(sql: string): ExpectedColumn[] {
  const columns: ExpectedColumn[] = [];
  for (const [, table, body] of withoutComments(sql).matchAll(TABLE)) {
    for (const line of (body as string).split('\n')) {
      const m = COLUMN.exec(line);
      if (m) columns.push({ table: table as string, column: m[1] as string, type: m[2] as string });
    }
  }
  return columns;
}

export function parseIndexes(sql: string): ExpectedIndex[] {
  return [...withoutComments(sql).matchAll(INDEX)].map(([, index, table]) => ({
    table: table as string,
    index: index as string,
  }));
}

export function parseTriggers(sql: string): ExpectedTrigger[] {
  return [...withoutComments(sql).matchAll(TRIGGER)].map(([, trigger, table, fn]) => ({
    table: table as string,
    trigger: trigger as string,
    function: fn as string,
  }));
}

export function deploymentManifest(dir = migrationsDir): DeploymentManifest {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const all = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
  const columns = parseTables(readFileSync(path.join(dir, DEPLOYMENT_TABLES_MIGRATION), 'utf8'));
  return {
    tables: [...new Set(columns.map((c) => c.table))],
    columns,
    indexes: parseIndexes(all),
    triggers: parseTriggers(all),
  };
}
